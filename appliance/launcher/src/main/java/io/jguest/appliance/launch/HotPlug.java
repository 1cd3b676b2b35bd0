package io.jguest.appliance.launch;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One user drive hot-plugged into a restored appliance, as QMP arguments (no I/O): the same device as
 * a cold boot's {@code -drive}/{@code -device scsi-hd} pair ({@link QemuCommandLine}), so that drive
 * {@code index} is SCSI target {@code index} and the daemon names it {@code /dev/sd<a+index>}.
 *
 * <p>A read-only drive is attached through a qcow2 overlay in a private temporary file whose backing
 * is the image, opened read-only: the guest may write (journal replay), the image never changes (what
 * {@code snapshot=on} does on a cold boot). The overlay is made with {@code qemu-img create} before
 * the drive is added and deleted right after (qemu keeps it open).
 *
 * @param index       0 for the first drive
 * @param drive       the image, its format, read-only or not
 * @param blockDevice the image is a block device, not a file
 * @param overlay     the overlay file of a read-only drive, else null
 */
record HotPlug(int index, DriveProbe.Resolved drive, boolean blockDevice, Path overlay) {
    HotPlug {
        if (drive.readOnly() == (overlay == null)) {
            throw new IllegalArgumentException("a read-only drive needs an overlay, a read-write one none");
        }
    }

    /** The block node's name, and the {@code drive} the device refers to. */
    String nodeName() {
        return "hd" + index;
    }

    /** The device's id ({@code device_del} takes it). */
    String deviceId() {
        return "disk" + index;
    }

    /** {@code qemu-img create} of the overlay of a read-only drive. */
    List<String> overlayCommand(Path qemuImg) {
        return List.of(qemuImg.toString(), "create", "-q", "-f", "qcow2", "-b", drive.path().toString(),
                "-F", drive.format(), overlay.toString());
    }

    /** Arguments of {@code blockdev-add}: the image (or the overlay over it), writeback caching, discard. */
    Map<String, Object> blockdevAdd() {
        Map<String, Object> image = new LinkedHashMap<>();
        image.put("driver", drive.format());
        image.put("file", protocolNode(drive.path(), drive.readOnly()));
        Map<String, Object> top;
        if (drive.readOnly()) {
            image.put("read-only", true);
            top = new LinkedHashMap<>();
            top.put("driver", "qcow2");
            top.put("file", protocolNode(overlay, false));
            top.put("backing", image);
        } else {
            top = image;
        }
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("node-name", nodeName());
        args.putAll(top);
        args.put("discard", "unmap");
        args.put("cache", Map.of("direct", false, "no-flush", false));
        return args;
    }

    /** Arguments of {@code device_add}: a SCSI disk on the appliance's virtio-scsi bus, target {@code index}. */
    Map<String, Object> deviceAdd() {
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("driver", "scsi-hd");
        args.put("id", deviceId());
        args.put("drive", nodeName());
        args.put("bus", "scsi0.0");
        args.put("channel", 0);
        args.put("scsi-id", index);
        args.put("lun", 0);
        args.put("write-cache", "on");
        // as QemuCommandLine.ERROR_POLICY: I/O errors (a full host disk) go to the guest, the VM never stops
        args.put("werror", "report");
        args.put("rerror", "report");
        return args;
    }

    private Map<String, Object> protocolNode(Path file, boolean readOnly) {
        Map<String, Object> node = new LinkedHashMap<>();
        node.put("driver", blockDevice && file.equals(drive.path()) ? "host_device" : "file");
        node.put("filename", file.toString());
        if (readOnly) {
            node.put("read-only", true);
        }
        return node;
    }
}
