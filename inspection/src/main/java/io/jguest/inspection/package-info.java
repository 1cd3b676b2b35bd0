/**
 * Operating-system inspection: finds the operating systems on a guest's filesystems, their
 * mountpoints, and Windows drive letters, with heuristics written as Datalog rules.
 *
 * <p>Not built yet: this module is the home of issue "Inspection and Windows drive letters". It will
 * run inside the appliance (the daemon links it) and work on {@code java.nio.file.Path} roots only;
 * it must not depend on mount-local or the appliance modules.
 */
package io.jguest.inspection;
