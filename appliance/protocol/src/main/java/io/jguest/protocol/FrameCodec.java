package io.jguest.protocol;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Reads and writes frames on a byte stream. {@link #read} is for one reader thread;
 * {@link #write} is synchronized so that many threads may send whole frames.
 */
public final class FrameCodec {
    private final DataInputStream in;
    private final OutputStream out;
    private final int maxFrame;

    public FrameCodec(InputStream in, OutputStream out) {
        this(in, out, Wire.MAX_FRAME);
    }

    public FrameCodec(InputStream in, OutputStream out, int maxFrame) {
        this.in = new DataInputStream(in);
        this.out = out;
        this.maxFrame = maxFrame;
    }

    /**
     * Reads the next frame.
     *
     * @return the frame, or null on a clean end of stream before a frame started
     * @throws ProtocolException on a length out of bounds or an unknown kind
     * @throws EOFException      when the stream ends inside a frame
     */
    public Frame read() throws IOException {
        int b0 = in.read();
        if (b0 < 0) {
            return null;
        }
        int length = (b0 << 24) | (in.readUnsignedByte() << 16) | (in.readUnsignedByte() << 8) | in.readUnsignedByte();
        if (length < Wire.HEADER_BYTES || length > maxFrame) {
            throw new ProtocolException("frame length " + Integer.toUnsignedString(length)
                    + " out of bounds [" + Wire.HEADER_BYTES + ", " + maxFrame + "]");
        }
        int serial = in.readInt();
        int proc = in.readUnsignedShort();
        FrameKind kind = FrameKind.of(in.readUnsignedByte());
        byte[] body = new byte[length - Wire.HEADER_BYTES];
        in.readFully(body);
        return new Frame(serial, proc, kind, body);
    }

    /** Writes one whole frame and flushes; safe to call from several threads. */
    public void write(Frame frame) throws IOException {
        int length = Wire.HEADER_BYTES + frame.body().length;
        if (length > maxFrame) {
            throw new ProtocolException("frame of " + length + " bytes exceeds the maximum " + maxFrame);
        }
        byte[] header = new byte[4 + Wire.HEADER_BYTES];
        putInt(header, 0, length);
        putInt(header, 4, frame.serial());
        header[8] = (byte) (frame.procedure() >>> 8);
        header[9] = (byte) frame.procedure();
        header[10] = (byte) frame.kind().ordinal();
        synchronized (out) {
            out.write(header);
            out.write(frame.body());
            out.flush();
        }
    }

    private static void putInt(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
    }
}
