package io.jguest.inspection.detect;

import java.util.Optional;

/**
 * The architecture of an ELF file from its header, named as libguestfs's {@code file_architecture}
 * names it (i386, x86_64, aarch64, arm, ppc, ppc64, ppc64le, riscv64, s390x, sparc64...).
 */
public final class ElfHeader {
    /** Bytes of the header this class looks at (e_ident and e_machine). */
    public static final int SIZE = 20;

    private ElfHeader() {
    }

    /** @return the architecture, or empty when {@code header} is not an ELF header of a known machine */
    public static Optional<String> arch(byte[] header) {
        if (header.length < SIZE || header[0] != 0x7f || header[1] != 'E' || header[2] != 'L' || header[3] != 'F') {
            return Optional.empty();
        }
        int elfClass = header[4];       // 1 = 32-bit, 2 = 64-bit
        int data = header[5];           // 1 = little-endian, 2 = big-endian
        if ((elfClass != 1 && elfClass != 2) || (data != 1 && data != 2)) {
            return Optional.empty();
        }
        boolean bits64 = elfClass == 2;
        boolean little = data == 1;
        int machine = little
                ? (header[18] & 0xff) | (header[19] & 0xff) << 8
                : (header[19] & 0xff) | (header[18] & 0xff) << 8;
        String arch = switch (machine) {
            case 3, 6 -> "i386";                        // EM_386, EM_486
            case 62 -> "x86_64";                        // EM_X86_64
            case 183 -> "aarch64";                      // EM_AARCH64
            case 40 -> "arm";                           // EM_ARM
            case 20 -> "ppc";                           // EM_PPC
            case 21 -> little ? "ppc64le" : "ppc64";    // EM_PPC64
            case 22 -> bits64 ? "s390x" : "s390";       // EM_S390
            case 243 -> bits64 ? "riscv64" : "riscv32"; // EM_RISCV
            case 2, 18 -> "sparc";                      // EM_SPARC, EM_SPARC32PLUS
            case 43 -> "sparc64";                       // EM_SPARCV9
            case 50 -> "ia64";                          // EM_IA_64
            case 258 -> "loongarch64";                  // EM_LOONGARCH
            case 8 -> bits64 ? "mips64" : "mips";       // EM_MIPS
            default -> null;
        };
        return Optional.ofNullable(arch);
    }
}
