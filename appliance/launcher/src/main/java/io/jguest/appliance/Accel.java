package io.jguest.appliance;

/** How qemu runs the guest. */
public enum Accel {
    /** KVM when it works on this host (remembered verdict), else TCG. */
    AUTO,
    KVM,
    /** Software emulation: always works, slower. */
    TCG;

    /** {@code JGUEST_ACCEL=kvm|tcg} forces one; anything else (or unset) is {@link #AUTO}. */
    public static Accel fromEnvironment() {
        String v = System.getenv("JGUEST_ACCEL");
        if (v == null) {
            return AUTO;
        }
        return switch (v.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "kvm" -> KVM;
            case "tcg" -> TCG;
            default -> AUTO;
        };
    }
}
