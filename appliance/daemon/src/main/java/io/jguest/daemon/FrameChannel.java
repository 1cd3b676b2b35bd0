package io.jguest.daemon;

import io.jguest.daemon.posix.PosixException;
import io.jguest.protocol.Frame;
import io.jguest.protocol.FrameKind;
import io.jguest.protocol.ProtocolException;
import io.jguest.protocol.Wire;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;

/**
 * The daemon's end of the frame stream (the wire format of {@code io.jguest.protocol}). Replies go
 * to a byte channel from direct buffers, so that no JNI layer mallocs and copies them: each is laid
 * out whole in its thread's direct buffer and written from there ({@link #replyBuffer} lets a PREAD
 * reply be read from the file straight into it). Calls come from an unbuffered stream: a
 * virtio-serial port returns at most 4 KiB per read, and a stream read costs far fewer interpreted
 * calls per read(2) than a channel read (measured: a 4 MiB PWRITE took 1,024 of them). {@link #read} is for one reader thread; writes take
 * one lock, so frames never interleave.
 */
final class FrameChannel {
    /** Bytes before a frame's body: the length word and the header. */
    static final int PREFIX = 4 + Wire.HEADER_BYTES;
    private static final int READ_BUFFER = 64 * 1024;
    private static final int MIN_REPLY_BUFFER = 64 * 1024;
    /** The longest read FileInputStream serves from its stack buffer (io_util.c BUF_SIZE). */
    private static final int STACK_READ = 8192;

    private final InputStream in;
    private final WritableByteChannel out;
    private final int maxFrame;
    private final byte[] inBuffer = new byte[READ_BUFFER];
    private int inPos;
    private int inLimit;
    private final ThreadLocal<ByteBuffer> replyBuffers = new ThreadLocal<>();
    private final Object writeLock = new Object();
    /** The stream's descriptor for {@code splice(2)}, or -1. */
    private final int spliceFd;
    private final ThreadLocal<SplicePipes> splicePipes = new ThreadLocal<>();
    /** Cleared for good when a pipe of {@link Wire#MAX_IO} bytes cannot be made. */
    private volatile boolean splicing;

    FrameChannel(InputStream in, WritableByteChannel out) {
        this(in, out, Wire.MAX_FRAME, -1);
    }

    FrameChannel(InputStream in, WritableByteChannel out, int maxFrame) {
        this(in, out, maxFrame, -1);
    }

    FrameChannel(InputStream in, WritableByteChannel out, int maxFrame, int spliceFd) {
        this.in = in;
        this.out = out;
        this.maxFrame = maxFrame;
        this.spliceFd = spliceFd;
        this.splicing = spliceFd >= 0;
    }

    /**
     * Reads the next frame.
     *
     * @return the frame, or null on a clean end of stream before a frame started
     * @throws ProtocolException on a length out of bounds or an unknown kind
     * @throws EOFException      when the stream ends inside a frame
     */
    Frame read() throws IOException {
        if (!fill(4, true)) {
            return null;
        }
        int length = getInt();
        if (length < Wire.HEADER_BYTES || length > maxFrame) {
            throw new ProtocolException("frame length " + Integer.toUnsignedString(length)
                    + " out of bounds [" + Wire.HEADER_BYTES + ", " + maxFrame + "]");
        }
        fill(Wire.HEADER_BYTES, false);
        int serial = getInt();
        int procedure = ((inBuffer[inPos] & 0xff) << 8) | (inBuffer[inPos + 1] & 0xff);
        FrameKind kind = FrameKind.of(inBuffer[inPos + 2] & 0xff);
        inPos += 3;
        byte[] body = new byte[length - Wire.HEADER_BYTES];
        int done = Math.min(body.length, inLimit - inPos);
        System.arraycopy(inBuffer, inPos, body, 0, done);
        inPos += done;
        while (done < body.length) { // the rest straight into the body: one read(2) per port buffer
            // at most JNI's stack buffer: a longer read mallocs (and frees) a buffer of its whole length
            // per call, and a port returns 4 KiB per read, so a 4 MiB PWRITE would pay that 1,024 times
            int n = in.read(body, done, Math.min(STACK_READ, body.length - done));
            if (n < 0) {
                throw new EOFException("stream ended inside a frame");
            }
            done += n;
        }
        return new Frame(serial, procedure, kind, body);
    }

    private int getInt() {
        byte[] b = inBuffer;
        int p = inPos;
        inPos = p + 4;
        return (b[p] << 24) | ((b[p + 1] & 0xff) << 16) | ((b[p + 2] & 0xff) << 8) | (b[p + 3] & 0xff);
    }

    /** Reads until {@code n} bytes are buffered; false at a clean end of stream when {@code mayEnd}. */
    private boolean fill(int n, boolean mayEnd) throws IOException {
        while (inLimit - inPos < n) {
            if (inPos > 0) {
                System.arraycopy(inBuffer, inPos, inBuffer, 0, inLimit - inPos);
                inLimit -= inPos;
                inPos = 0;
            }
            int r = in.read(inBuffer, inLimit, inBuffer.length - inLimit);
            if (r < 0) {
                if (mayEnd && inLimit == 0) {
                    return false;
                }
                throw new EOFException("stream ended inside a frame");
            }
            inLimit += r;
        }
        return true;
    }

    /** Writes one whole frame; safe to call from several threads. */
    void write(Frame frame) throws IOException {
        byte[] body = frame.body();
        ByteBuffer b = replyBuffer(body.length);
        b.put(PREFIX, body);
        sendReply(b, frame.serial(), frame.procedure(), frame.kind(), body.length);
    }

    /**
     * The calling thread's reply buffer with room for a body of {@code bodyLength} bytes from index
     * {@link #PREFIX}; valid until the thread's next reply. Fill the body, then {@link #sendReply}.
     *
     * @throws ProtocolException when such a frame would exceed the maximum
     */
    ByteBuffer replyBuffer(int bodyLength) throws ProtocolException {
        int frame = Wire.HEADER_BYTES + bodyLength;
        if (frame > maxFrame || bodyLength < 0) {
            throw new ProtocolException("frame of " + frame + " bytes exceeds the maximum " + maxFrame);
        }
        ByteBuffer b = replyBuffers.get();
        if (b == null || b.capacity() < PREFIX + bodyLength) {
            b = ByteBuffer.allocateDirect(Math.max(MIN_REPLY_BUFFER, Integer.highestOneBit(PREFIX + bodyLength - 1) << 1));
            replyBuffers.set(b);
        }
        return b.clear();
    }

    /**
     * The calling thread's pipes for a reply spliced onto the stream ({@link #sendSpliced}), empty and
     * able to hold {@link Wire#MAX_IO} bytes; null when replies cannot be spliced (not a port, or no
     * such pipes: then for good).
     */
    SplicePipes splicePipes() {
        if (!splicing) {
            return null;
        }
        SplicePipes p = splicePipes.get();
        if (p == null) {
            try {
                p = SplicePipes.open(Wire.MAX_IO);
            } catch (PosixException e) {
                splicing = false;
                Log.warn("replies are copied, not spliced: " + e.getMessage());
                return null;
            }
            splicePipes.set(p);
        }
        return p;
    }

    /** Whether PREAD replies are spliced (a descriptor was given and its pipes could be made). */
    boolean splicing() {
        return splicing;
    }

    /** Closes the calling thread's pipes after a failed fill: they may hold bytes no reply will take. */
    void discardSplicePipes() {
        SplicePipes p = splicePipes.get();
        if (p != null) {
            splicePipes.remove();
            p.close();
        }
    }

    /**
     * Writes a reply whose body is a byte string of the {@code length} bytes waiting in the calling
     * thread's {@link #splicePipes}: the frame header and the string's length from the thread's
     * reply buffer, then the bytes spliced from the pipe onto the stream (the guest's pages go to the
     * host without a copy by this CPU, in large virtio buffers), all under the write lock. A failure
     * in the middle leaves the stream broken: the caller's IOException ends the session.
     */
    void sendSpliced(int serial, int procedure, int length) throws IOException {
        SplicePipes p = splicePipes.get();
        if (p == null) {
            throw new IllegalStateException("no splice pipes on this thread");
        }
        ByteBuffer b = replyBuffer(4);
        b.putInt(0, Wire.HEADER_BYTES + 4 + length);
        b.putInt(4, serial);
        b.putShort(8, (short) procedure);
        b.put(10, (byte) FrameKind.REPLY.ordinal());
        b.putInt(PREFIX, length);
        b.limit(PREFIX + 4).position(0);
        synchronized (writeLock) {
            while (b.hasRemaining()) {
                out.write(b);
            }
            try {
                p.drainTo(spliceFd);
            } catch (PosixException e) {
                discardSplicePipes();
                throw new IOException("reply " + serial + " broken off: " + e.getMessage(), e);
            }
        }
    }

    /** Writes the header in front of the {@code bodyLength} bytes of the {@link #replyBuffer}, and the frame. */
    void sendReply(ByteBuffer b, int serial, int procedure, FrameKind kind, int bodyLength) throws IOException {
        b.putInt(0, Wire.HEADER_BYTES + bodyLength);
        b.putInt(4, serial);
        b.putShort(8, (short) procedure);
        b.put(10, (byte) kind.ordinal());
        b.limit(PREFIX + bodyLength).position(0);
        synchronized (writeLock) {
            while (b.hasRemaining()) {
                out.write(b);
            }
        }
    }
}
