package io.jguest.protocol;

/** What a frame carries. */
public enum FrameKind {
    /** Host to daemon: a call record. */
    CALL,
    /** Daemon to host: the reply value of the call with the same serial. */
    REPLY,
    /** Daemon to host: an {@link ErrorReply} for the call with the same serial. */
    ERROR,
    /** Daemon to host, once, first: a {@link Hello}. */
    HELLO;

    /** The kind with wire code {@code code}. */
    public static FrameKind of(int code) throws ProtocolException {
        FrameKind[] all = values();
        if (code < 0 || code >= all.length) {
            throw new ProtocolException("unknown frame kind " + code);
        }
        return all[code];
    }
}
