package io.jguest.protocol;

/**
 * A request record whose reply has type {@code R}. Every implementation is listed in
 * {@link Procedure}, which gives it a stable wire id.
 */
public interface Call<R> {
}
