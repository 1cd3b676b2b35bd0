package io.jguest.mountlocal.jnr;

import jnr.ffi.Struct;

/**
 * The byte offset of a jnr struct member. {@code Struct.AbstractMember} (which has {@code offset()})
 * is a protected nested class, reachable only from a subclass of {@link Struct}: hence this class.
 * Never instantiated.
 */
final class MemberOffset extends Struct {
    private MemberOffset() {
        super(jnr.ffi.Runtime.getSystemRuntime());
    }

    static long of(Struct.Padding member) {
        return ((AbstractMember) member).offset();
    }
}
