package io.jguest.daemon;

import io.jguest.api.BlockDevice;
import io.jguest.api.Filesystem;
import io.jguest.api.GuestSession;
import io.jguest.api.LogicalVolume;
import io.jguest.api.Partition;
import java.util.List;

/** A session with no devices whose mounts do nothing: tests of the server override only what they probe. */
abstract class NoDevicesSession implements GuestSession {
    @Override
    public List<BlockDevice> listDevices() {
        return List.of();
    }

    @Override
    public List<Partition> listPartitions() {
        return List.of();
    }

    @Override
    public List<Filesystem> listFilesystems() {
        return List.of();
    }

    @Override
    public List<LogicalVolume> lvmActivateAll() {
        return List.of();
    }

    @Override
    public void mount(String device, String mountpoint, String options, String fstype) {
    }

    @Override
    public void umountAll() {
    }
}
