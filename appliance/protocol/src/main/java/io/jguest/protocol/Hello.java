package io.jguest.protocol;

import java.util.List;

/**
 * The daemon's first frame: proof that it is up and what it speaks.
 *
 * @param magic          {@link Wire#MAGIC}
 * @param version        {@link Wire#VERSION}
 * @param capabilities   feature names ({@code "ntfs-3g"}, {@code "lvm"}, {@code "xfs"}...)
 * @param maxFrame       the largest frame the daemon accepts
 * @param kernelRelease  {@code uname -r} of the guest
 * @param uptimeMillis   guest uptime when the daemon became ready (kernel start to ready)
 * @param initMillis     guest uptime when /init started (kernel start to userspace)
 */
public record Hello(int magic, int version, List<String> capabilities, int maxFrame, String kernelRelease,
                    long uptimeMillis, long initMillis) {
}
