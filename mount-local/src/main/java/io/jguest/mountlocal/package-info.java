/**
 * mount-local: exposes a {@link io.jguest.api.GuestFileSystem} at a host mountpoint through FUSE.
 *
 * <p>Not built yet: this module is the home of issue "guestmount and guestunmount". jnr types will
 * stay in one sub-package ({@code io.jguest.mountlocal.jnr}); everything else works on guest-api
 * types and is unit-testable without libfuse. Must not depend on the appliance modules.
 */
package io.jguest.mountlocal;
