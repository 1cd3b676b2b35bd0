# shellcheck shell=bash
# Sourced by every script in scripts/: repo root, a JDK >= 25, JVM flags, running a Java main.
# Not executable on its own.

JGUEST_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
JGUEST_MIN_JAVA=25
# jnr and FFM on Java 25 need these (same as <jguest.jvm.flags> in pom.xml)
JGUEST_JVM_FLAGS=(--enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow)
JGUEST_DIST="$JGUEST_ROOT/cli/target/jguest"

jguest_say() { printf '%s\n' "$*" >&2; }
jguest_die() { printf '%s: %s\n' "$(basename "$0")" "$*" >&2; exit 1; }

# Major version of the JDK at $1 (needs bin/java and bin/javac), or nothing. Reads the JDK's
# release file (no JVM start); asks java -version only when there is none.
jguest_jdk_major() {
    local home="$1" line=""
    [[ -x "$home/bin/java" && -x "$home/bin/javac" ]] || return 0
    if [[ -r "$home/release" ]]; then
        line="$(sed -n 's/^JAVA_VERSION="\(.*\)"$/\1/p' "$home/release")"
    fi
    if [[ -z "$line" ]]; then
        # openjdk version "25.0.1" 2025-10-21 / java version "1.8.0_x" (options from the environment
        # would add a NOTE line first)
        line="$(env -u JDK_JAVA_OPTIONS -u JAVA_TOOL_OPTIONS "$home/bin/java" -version 2>&1 | head -n 1)" || return 0
        line="${line#*version \"}"
        line="${line%%\"*}"
    fi
    line="${line#1.}"
    printf '%s\n' "${line%%[.+-]*}"
}

# Prints the home of a JDK >= 25: $JAVA_HOME if it is one, else the newest under /usr/lib/jvm.
# Returns 1 when there is none.
jguest_find_jdk() {
    local major best="" best_major=0 home
    if [[ -n "${JAVA_HOME:-}" ]]; then
        major="$(jguest_jdk_major "$JAVA_HOME")"
        if [[ -n "$major" && "$major" -ge "$JGUEST_MIN_JAVA" ]]; then
            printf '%s\n' "$JAVA_HOME"
            return 0
        fi
    fi
    for home in /usr/lib/jvm/*; do
        [[ -d "$home" && ! -L "$home" ]] || continue
        major="$(jguest_jdk_major "$home")"
        if [[ -n "$major" && "$major" -ge "$JGUEST_MIN_JAVA" && "$major" -gt "$best_major" ]]; then
            best="$home"
            best_major="$major"
        fi
    done
    [[ -n "$best" ]] || return 1
    printf '%s\n' "$best"
}

# Exports JAVA_HOME (a JDK >= 25) or exits with what to install.
jguest_use_jdk() {
    local home
    if ! home="$(jguest_find_jdk)"; then
        jguest_die "no JDK ${JGUEST_MIN_JAVA} or newer found (looked at JAVA_HOME and /usr/lib/jvm/*)." \
            "Install one, e.g. 'apt-get install temurin-25-jdk' (Adoptium repository) or" \
            "'apt-get install openjdk-25-jdk-headless' where your distribution has it, then run scripts/setup again."
    fi
    export JAVA_HOME="$home"
    # Maven itself runs on this JDK; keep it quiet about its own libraries' use of Unsafe.
    export MAVEN_OPTS="${MAVEN_OPTS:+$MAVEN_OPTS }--sun-misc-unsafe-memory-access=allow"
}

# True when the jars the scripts run from exist.
jguest_is_built() {
    compgen -G "$JGUEST_DIST/lib/cli-*.jar" >/dev/null && compgen -G "$JGUEST_DIST/daemon/*.jar" >/dev/null
}

# Sets JGUEST_JAVA_CMD to the command that runs a Java main class from the built jars:
# jguest_java_command MAIN_CLASS [JVM_OPTION...]  (program arguments go after it)
jguest_java_command() {
    local main="$1"
    shift
    jguest_is_built || jguest_die "jguest is not built: run scripts/setup first"
    # Short-lived command JVMs start faster with C1 only, the serial GC and a class data archive that
    # the JVM makes itself on first use and remakes when the jars change (a mismatch is not an error:
    # JVM logging is off so that it never reaches the user's stdout).
    local startup=(-XX:TieredStopAtLevel=1 -XX:CompileThresholdScaling=0.1 -XX:+UseSerialGC -Xlog:disable -Xlog:all=off)
    local cds="${XDG_CACHE_HOME:-$HOME/.cache}/jguest/cds"
    if mkdir -p "$cds" 2>/dev/null && [[ -w "$cds" ]]; then
        startup+=(-XX:+AutoCreateSharedArchive "-XX:SharedArchiveFile=$cds/${main##*.}.jsa")
    fi
    JGUEST_JAVA_CMD=("$JAVA_HOME/bin/java" "${JGUEST_JVM_FLAGS[@]}" "${startup[@]}" "$@"
        "-Djguest.daemon.classpath=$JGUEST_DIST/daemon" -cp "$JGUEST_DIST/lib/*" "$main")
}

# Runs a Java main class from the built jars: jguest_java MAIN_CLASS ARGS...  (replaces the shell)
jguest_java() {
    local main="$1"
    shift
    jguest_java_command "$main"
    exec "${JGUEST_JAVA_CMD[@]}" "$@"
}

# Benchmark helpers: microseconds now; seconds between two of them; "median halfrange" of values.
jguest_now_us() { printf '%s' "${EPOCHREALTIME/./}"; }
jguest_secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", (b - a) / 1e6 }'; }
jguest_stats() {
    printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END {
        m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
        printf "%.3f %.3f\n", m, (v[NR] - v[1]) / 2 }'
}
