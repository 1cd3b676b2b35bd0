package io.jguest.cli.mount;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The few libc calls Java has no API for: using a file descriptor a caller passed by number
 * ({@code --fd=FD}) and pointing stdio at {@code /dev/null} once a background guestmount is ready.
 * Bound with FFM on first use (binding costs time at startup); every call captures
 * errno, and a failure is an {@link IOException} naming the call, the descriptor and the errno.
 */
final class Posix {
    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Map<String, MethodHandle> BOUND = new ConcurrentHashMap<>();
    private static final int EINTR = 4;
    private static final int O_RDWR = 2;

    private static final FunctionDescriptor WRITE = FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG);
    private static final FunctionDescriptor READ = WRITE;
    private static final FunctionDescriptor CLOSE = FunctionDescriptor.of(JAVA_INT, JAVA_INT);
    private static final FunctionDescriptor DUP2 = FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT);
    private static final FunctionDescriptor OPEN = FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT);

    private Posix() {
    }

    /** Writes all of {@code data} to {@code fd}. */
    static void writeFully(int fd, byte[] data) throws IOException {
        MethodHandle write = bind("write", WRITE);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE);
            MemorySegment buf = arena.allocate(Math.max(1, data.length));
            MemorySegment.copy(data, 0, buf, JAVA_BYTE, 0, data.length);
            long done = 0;
            while (done < data.length) {
                long n = (long) write.invokeExact(state, fd, buf.asSlice(done), data.length - done);
                if (n >= 0) {
                    done += n;
                } else if (errno(state) != EINTR) {
                    throw failure("write", fd, errno(state));
                }
            }
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /**
     * Reads {@code fd} until end of file, discarding the data: for a pipe, returns once every writer
     * has closed it.
     */
    static void drainToEof(int fd) throws IOException {
        MethodHandle read = bind("read", READ);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE);
            MemorySegment buf = arena.allocate(4096);
            while (true) {
                long n = (long) read.invokeExact(state, fd, buf, 4096L);
                if (n == 0) {
                    return;
                }
                if (n < 0 && errno(state) != EINTR) {
                    throw failure("read", fd, errno(state));
                }
            }
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    static void close(int fd) throws IOException {
        MethodHandle close = bind("close", CLOSE);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE);
            // EINTR: the descriptor is closed anyway on Linux
            if ((int) close.invokeExact(state, fd) < 0 && errno(state) != EINTR) {
                throw failure("close", fd, errno(state));
            }
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** Points stdin, stdout and stderr at {@code /dev/null}, as a daemon does once detached. */
    static void stdioToDevNull() throws IOException {
        MethodHandle open = bind("open", OPEN, Linker.Option.firstVariadicArg(2));
        MethodHandle dup2 = bind("dup2", DUP2);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE);
            int fd = (int) open.invokeExact(state, arena.allocateFrom("/dev/null"), O_RDWR);
            if (fd < 0) {
                throw failure("open /dev/null", -1, errno(state));
            }
            for (int target = 0; target <= 2; target++) {
                if (fd != target && (int) dup2.invokeExact(state, fd, target) < 0) {
                    throw failure("dup2", target, errno(state));
                }
            }
            if (fd > 2) {
                close(fd);
            }
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    private static MethodHandle bind(String name, FunctionDescriptor descriptor, Linker.Option... extra) {
        return BOUND.computeIfAbsent(name, n -> {
            Linker.Option[] options = new Linker.Option[extra.length + 1];
            options[0] = Linker.Option.captureCallState("errno");
            System.arraycopy(extra, 0, options, 1, extra.length);
            return LINKER.downcallHandle(LINKER.defaultLookup().find(n).orElseThrow(), descriptor, options);
        });
    }

    private static int errno(MemorySegment state) {
        return (int) ERRNO.get(state, 0L);
    }

    private static IOException failure(String call, int fd, int errno) {
        return new IOException((fd >= 0 ? call + "(" + fd + ")" : call) + ": " + describe(errno));
    }

    /** The errno values these calls meet, by name; the number for others. */
    static String describe(int errno) {
        return switch (errno) {
            case 2 -> "No such file or directory (ENOENT)";
            case 5 -> "Input/output error (EIO)";
            case 9 -> "Bad file descriptor (EBADF)";
            case 13 -> "Permission denied (EACCES)";
            case 21 -> "Is a directory (EISDIR)";
            case 32 -> "Broken pipe (EPIPE)";
            default -> "errno " + errno;
        };
    }
}
