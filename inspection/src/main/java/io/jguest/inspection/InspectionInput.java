package io.jguest.inspection;

import io.jguest.api.BlockDevice;
import io.jguest.api.Filesystem;
import io.jguest.api.LogicalVolume;
import io.jguest.api.Partition;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What the daemon knows about the disks before inspection, and where it mounted each filesystem.
 *
 * @param disks           whole disks, in drive order
 * @param partitions      every partition
 * @param partitionLabels GPT partition names (PARTLABEL) by partition device; may lack entries
 * @param filesystems     everything blkid found
 * @param logicalVolumes  active LVM logical volumes
 * @param mounted         device → the directory where it is mounted read-only for inspection
 */
public record InspectionInput(List<BlockDevice> disks, List<Partition> partitions, Map<String, String> partitionLabels,
                              List<Filesystem> filesystems, List<LogicalVolume> logicalVolumes,
                              Map<String, Path> mounted) {
    public InspectionInput {
        disks = List.copyOf(disks);
        partitions = List.copyOf(partitions);
        partitionLabels = Map.copyOf(partitionLabels);
        filesystems = List.copyOf(filesystems);
        logicalVolumes = List.copyOf(logicalVolumes);
        mounted = Map.copyOf(mounted);
    }
}
