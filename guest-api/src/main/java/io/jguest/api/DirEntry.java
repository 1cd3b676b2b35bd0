package io.jguest.api;

/**
 * One directory entry: its name, type and inode number, and, when the listing was asked with
 * attributes ({@code readdirPlus}), its full {@link FileAttributes} (otherwise null).
 */
public record DirEntry(String name, FileType type, long ino, FileAttributes attributes) {
}
