/**
 * A client of qemu's machine protocol (QMP): JSON commands over the monitor socket, used to save and
 * restore the appliance's VM state and to hot-plug drives. {@link io.jguest.appliance.qmp.Json} is the
 * small JSON reader and writer it needs (objects, arrays, strings, numbers, booleans, null).
 */
package io.jguest.appliance.qmp;
