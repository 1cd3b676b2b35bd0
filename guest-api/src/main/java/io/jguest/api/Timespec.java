package io.jguest.api;

/**
 * A point in time with nanoseconds, as the kernel keeps it. {@link #NOW} and {@link #OMIT} are the
 * {@code utimensat(2)} markers ({@code UTIME_NOW}, {@code UTIME_OMIT}).
 */
public record Timespec(long sec, int nsec) {
    public static final int UTIME_NOW_NSEC = (1 << 30) - 1;
    public static final int UTIME_OMIT_NSEC = (1 << 30) - 2;
    public static final Timespec NOW = new Timespec(0, UTIME_NOW_NSEC);
    public static final Timespec OMIT = new Timespec(0, UTIME_OMIT_NSEC);

    public Timespec {
        if (nsec < 0 || (nsec > 999_999_999 && nsec != UTIME_NOW_NSEC && nsec != UTIME_OMIT_NSEC)) {
            throw new IllegalArgumentException("nsec (" + nsec + ") out of range");
        }
    }

    public boolean isNow() {
        return nsec == UTIME_NOW_NSEC;
    }

    public boolean isOmit() {
        return nsec == UTIME_OMIT_NSEC;
    }
}
