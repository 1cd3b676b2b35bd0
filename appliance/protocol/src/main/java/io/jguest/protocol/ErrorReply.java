package io.jguest.protocol;

/** Body of an {@link FrameKind#ERROR} frame: errno by name ({@code "ENOENT"}), path, message. */
public record ErrorReply(String errno, String path, String message) {
}
