package io.jguest.cli;

import io.jguest.api.Errno;
import io.jguest.api.GuestFsException;
import io.jguest.appliance.Guest;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link Guest} for CLI unit tests: answers the methods given to {@link #on}, records every call,
 * and fails any other call with ENOSYS. {@code close()} is always allowed.
 */
public final class FakeGuest {
    /** One canned answer; may throw. */
    @FunctionalInterface
    public interface Answer {
        Object answer(Object[] args) throws Exception;
    }

    private final Map<String, Answer> answers = new HashMap<>();
    public final List<String> calls = Collections.synchronizedList(new ArrayList<>());
    public volatile boolean closed;

    public FakeGuest on(String method, Answer answer) {
        answers.put(method, answer);
        return this;
    }

    public Guest guest() {
        InvocationHandler handler = (proxy, method, args) -> {
            String name = method.getName();
            calls.add(name);
            if (name.equals("close")) {
                closed = true;
                return null;
            }
            if (name.equals("toString")) {
                return "FakeGuest";
            }
            Answer a = answers.get(name);
            if (a == null) {
                throw new GuestFsException(Errno.ENOSYS, null, "fake guest: " + name + " not scripted");
            }
            return a.answer(args == null ? new Object[0] : args);
        };
        return (Guest) Proxy.newProxyInstance(Guest.class.getClassLoader(), new Class<?>[] {Guest.class}, handler);
    }
}
