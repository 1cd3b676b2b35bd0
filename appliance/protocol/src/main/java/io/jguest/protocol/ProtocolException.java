package io.jguest.protocol;

import java.io.IOException;

/** The peer broke the protocol: bad length, unknown procedure, undecodable body, bad hello. */
public class ProtocolException extends IOException {
    public ProtocolException(String message) {
        super(message);
    }

    public ProtocolException(String message, Throwable cause) {
        super(message, cause);
    }
}
