package io.jguest.protocol;

/** One frame: header fields and the undecoded body. */
public record Frame(int serial, int procedure, FrameKind kind, byte[] body) {
}
