package io.jguest.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * An {@link OutputStream} that decodes UTF-8 into a {@link Writer}, keeping a multi-byte sequence
 * split across two writes intact. Malformed input becomes U+FFFD. Used when the caller of
 * {@link Main#run(java.io.PrintWriter, java.io.PrintWriter, String...)} only gave writers.
 */
final class Utf8WriterStream extends OutputStream {
    private final Writer writer;
    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPLACE)
            .onUnmappableCharacter(CodingErrorAction.REPLACE);
    private final ByteBuffer pending = ByteBuffer.allocate(8);
    private final CharBuffer chars = CharBuffer.allocate(8192);

    Utf8WriterStream(Writer writer) {
        this.writer = writer;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) throws IOException {
        ByteBuffer in = ByteBuffer.wrap(b, off, len);
        // finish a sequence left over from the previous write, byte by byte
        while (pending.position() > 0 && in.hasRemaining()) {
            pending.put(in.get());
            pending.flip();
            decode(pending, false);
            pending.compact();
        }
        decode(in, false);
        pending.put(in); // at most 3 bytes of an incomplete sequence remain
    }

    private void decode(ByteBuffer in, boolean endOfInput) throws IOException {
        while (true) {
            var result = decoder.decode(in, chars, endOfInput);
            drain();
            if (!result.isOverflow()) {
                return;
            }
        }
    }

    private void drain() throws IOException {
        chars.flip();
        writer.append(chars);
        chars.clear();
    }

    @Override
    public synchronized void flush() throws IOException {
        writer.flush();
    }

    @Override
    public synchronized void close() throws IOException {
        finish();
    }

    /** Ends the input: a truncated trailing sequence becomes U+FFFD; the writer stays open. */
    synchronized void finish() throws IOException {
        pending.flip();
        decode(pending, true);
        pending.clear();
        decoder.flush(chars);
        drain();
        decoder.reset();
        writer.flush();
    }
}
