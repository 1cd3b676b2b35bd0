package io.jguest.protocol;

/**
 * A {@link Calls.Pwrite} call body read in place: its fields, and where its data lies in the body, so
 * that the daemon writes the data from the frame without copying it into a record first.
 *
 * @param handle     {@link Calls.Pwrite#handle()}
 * @param offset     {@link Calls.Pwrite#offset()}
 * @param dataOffset index of the first data byte in the body
 * @param length     number of data bytes
 */
public record PwriteView(long handle, long offset, int dataOffset, int length) {
    /** Bytes of the body before the data: record tag, handle, offset, byte string length. */
    private static final int HEAD = 1 + 8 + 8 + 4;

    /**
     * Reads the head of a PWRITE call body.
     *
     * @throws ProtocolException when the body is not a present {@code Pwrite} with non-null data filling the rest
     */
    public static PwriteView of(byte[] body) throws ProtocolException {
        if (body.length < HEAD || body[0] != 1) {
            throw new ProtocolException("truncated or null Pwrite");
        }
        int length = getInt(body, 17);
        if (length != body.length - HEAD) {
            throw new ProtocolException("Pwrite data of " + length + " bytes in a body of " + body.length);
        }
        return new PwriteView(((long) getInt(body, 1) << 32) | (getInt(body, 5) & 0xffffffffL),
                ((long) getInt(body, 9) << 32) | (getInt(body, 13) & 0xffffffffL), HEAD, length);
    }

    private static int getInt(byte[] b, int p) {
        return (b[p] << 24) | ((b[p + 1] & 0xff) << 16) | ((b[p + 2] & 0xff) << 8) | (b[p + 3] & 0xff);
    }
}
