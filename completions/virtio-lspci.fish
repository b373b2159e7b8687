# fish completion for virtio-lspci(8)
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Install as virtio-lspci.fish in a directory of $fish_complete_path
# (e.g. /usr/share/fish/vendor_completions.d).

# Slots of this machine's virtio PCI devices (vendor 0x1af4, device
# 0x1000-0x107f), in the long (0000:00:04.0) and short (00:04.0) form.
function __virtio_lspci_slots
    for dir in /sys/bus/pci/devices/*
        test -r $dir/vendor -a -r $dir/device; or continue
        read -l vendor <$dir/vendor; or continue
        read -l device <$dir/device; or continue
        test "$vendor" = 0x1af4; or continue
        # 0x1000-0x107f
        string match -qr '^0x10[0-7][0-9a-fA-F]$' -- $device; or continue
        set -l slot (string replace -r '.*/' '' -- $dir)
        set -l id 1af4:(string replace 0x '' -- $device)
        printf '%s\tvirtio device %s\n' $slot $id (string replace -r '^[^:]*:' '' -- $slot) $id
    end
end

# Running libvirt domains, for --domain=NAME (none without virsh or libvirtd).
function __virtio_lspci_domains
    command -sq virsh; or return
    set -l uri (string replace -r -f '^--connect=' '' -- (commandline -opc))
    if test -n "$uri[1]"
        virsh -c $uri[1] -q list --name 2>/dev/null | string match -v ''
    else
        virsh -q list --name 2>/dev/null | string match -v ''
    end
end

# vendor:device IDs of this machine's virtio devices, plus the bare vendor.
function __virtio_lspci_ids
    printf '%s\t%s\n' 1af4: 'any virtio device'
    for dir in /sys/bus/pci/devices/*
        test -r $dir/vendor -a -r $dir/device; or continue
        read -l vendor <$dir/vendor; or continue
        read -l device <$dir/device; or continue
        test "$vendor" = 0x1af4; or continue
        # 0x1000-0x107f
        string match -qr '^0x10[0-7][0-9a-fA-F]$' -- $device; or continue
        printf '%s\t%s\n' 1af4:(string replace 0x '' -- $device) 'virtio device ID on this machine'
    end | sort -u
end

# libpci access methods: "virtio-lspci -A help" prints one name per line
# (any heading lines are skipped); a static list if that fails.
function __virtio_lspci_methods
    set -l prog (commandline -opc)[1]
    test -n "$prog"; or set prog virtio-lspci
    set -l methods
    if command -q -- $prog; and set -l out ($prog -A help 2>/dev/null)
        set methods (string trim -- $out | string match -r '^[a-z0-9][a-z0-9_-]*$')
    end
    if test (count $methods) -eq 0
        set methods linux-sysfs linux-proc intel-conf1 intel-conf2 dump
    end
    printf '%s\n' $methods
    printf '%s\t%s\n' help 'list the access methods'
end

function __virtio_lspci_formats
    printf '%s\t%s\n' \
        auto 'Detect the format (default)' \
        lspci 'lspci -x/-xxx/-xxxx output' \
        raw 'Raw binary config space' \
        xxd 'xxd output' \
        hexdump 'hexdump -C output'
end

function __virtio_lspci_outputs
    printf '%s\t%s\n' \
        text 'Text for people (default)' \
        json 'JSON, schema_version 1' \
        prometheus 'Prometheus text exposition 0.0.4' \
        junit 'JUnit XML (--check)'
end

complete -c virtio-lspci -e
# SLOT arguments (no file names).
complete -c virtio-lspci -f -a '(__virtio_lspci_slots)'

# Selection
complete -c virtio-lspci -s s -l slot -x -a '(__virtio_lspci_slots)' -d 'Only devices in matching slots ([[[[DOMAIN]:]BUS]:][DEV][.[FUNC]])'
complete -c virtio-lspci -s d -l id -x -a '(__virtio_lspci_ids)' -d 'Only devices with these IDs ([VENDOR]:[DEVICE][:CLASS[:PROGIF]])'

# Source
complete -c virtio-lspci -s F -l file -r -F -d 'Decode a dump instead of the live system (- reads stdin)'
complete -c virtio-lspci -l format -x -a '(__virtio_lspci_formats)' -d 'Dump format'
complete -c virtio-lspci -s A -l access-method -x -a '(__virtio_lspci_methods)' -d 'libpci access method for live reads'
complete -c virtio-lspci -l all-domains -d 'Every running libvirt domain\'s devices'
complete -c virtio-lspci -l connect -x -a 'qemu:///system qemu:///session' -d 'libvirt connection for --domain and --all-domains'

# Registers behind the BARs
complete -c virtio-lspci -l access -x -a 'auto\t"sysfs mmap, else the window (default)" mmap\t"sysfs resourceN only" window\t"PCI configuration access capability only"' -d 'How to reach the BARs'
complete -c virtio-lspci -l passive -d 'Write nothing, not even selectors'
complete -c virtio-lspci -l read-isr -d 'Also read the ISR status (reading clears it)'
complete -c virtio-lspci -l qmp -r -F -d 'Read a QEMU VM'\''s devices through its QMP monitor socket'
complete -c virtio-lspci -l monitor-log -r -F -d 'With --qmp: append every monitor command and reply to FILE'
complete -c virtio-lspci -l save -r -F -d 'Write a snapshot (config space and every register read)'
complete -c virtio-lspci -l textfile -r -F -d 'Write the Prometheus output to a file atomically (node_exporter textfile)'
complete -c virtio-lspci -l stats -d 'Count config-space and BAR accesses (stderr)'
complete -c virtio-lspci -l rings -d 'Also read each queue ring from guest memory'
complete -c virtio-lspci -l sample -x -a '3 5x200ms 10x200ms 5x1s 10x1s' -d 'Read rings and IRQ counts COUNT[xINTERVAL] times; a verdict per queue'

# Live view
complete -c virtio-lspci -s w -l top -d 'Full-screen live view of one device'
complete -c virtio-lspci -l watch -d 'Full-screen live view of one device (same as --top)'
complete -c virtio-lspci -l interval -x -a '0.1 0.5 1 2 5 10' -d 'Live view refresh interval in seconds (default 1)'
# Interactive and batch commands
complete -c virtio-lspci -s i -l interactive -d 'Command prompt on one device (readline)'
complete -c virtio-lspci -s c -l command -x -a 'help show get set queue features feature status reset init post kick poll notify isr ring chain irq read write cfg watch trace shell echo quit exit' -d 'Run these commands (separated by ;) and exit'
complete -c virtio-lspci -l force -d 'Allow writes while a driver is bound, and writes breaking driver rules'
complete -c virtio-lspci -l dry-run -d 'Print the writes instead of making them'
complete -c virtio-lspci -s y -l yes -d 'Do not ask before destructive writes'

# Display
complete -c virtio-lspci -l check -d 'Check each device against the virtio spec'
complete -c virtio-lspci -l active -d 'With --check: also the checks that write (unbound devices)'
complete -c virtio-lspci -l exercise -d 'With --check: drive the device and judge it (unbound devices)'
complete -c virtio-lspci -l strict -d 'With --check: warnings fail the run too'
complete -c virtio-lspci -l list-checks -d 'List every conformance check'
complete -c virtio-lspci -l diff -r -d 'Compare two snapshots, dumps or slots field by field'
complete -c virtio-lspci -l negotiate -d 'Find the offered feature bits a device requires or rejects (resets it)'
complete -c virtio-lspci -l nudge -x -a '0 1 2 requestq requestq1 receiveq1 transmitq1 controlq' -d 'Notify a queue as its driver would: was a kick lost?'
complete -c virtio-lspci -l timeout -x -a '200 1000 5000' -d 'How long --nudge polls used, in ms (default 1000)'
complete -c virtio-lspci -l selftest -d 'Drive a device without its driver: init, its type\'s test, reset'
complete -c virtio-lspci -l rebind -d 'After --selftest or --check --exercise: bind the kernel driver again'
complete -c virtio-lspci -l media-writes -d 'With --check --exercise: allow writes to a block device\'s medium'
complete -c virtio-lspci -l config-writes -d 'With --check --exercise: change SCSI sense_size and cdb_size before the reset (ends QEMU vhost-scsi VMs)'
complete -c virtio-lspci -l hostile -d 'With --check --exercise: also send malformed chains (virtio-blk, -rng, -console, -scsi)'
complete -c virtio-lspci -l watch-config -x -a '5 10 30' -d 'With --check --exercise: keep the device DRIVER_OK SECONDS, watching its configuration'
complete -c virtio-lspci -s v -l verbose -d 'More detail (repeat: -v, -vv, -vvv)'
complete -c virtio-lspci -s n -l numeric -d 'Numeric IDs instead of names (-nn: both)'
complete -c virtio-lspci -s x -l hex -d 'Hex dump of config space (-x 64 bytes, -xxx 256, -xxxx 4096)'
complete -c virtio-lspci -s D -d 'Always show PCI domain numbers'
complete -c virtio-lspci -l domain -f -a '(__virtio_lspci_domains)' -d 'Alone: PCI domain numbers; =NAME: the libvirt domain NAME'
complete -c virtio-lspci -s J -l json -d 'JSON output (same as -o json)'
complete -c virtio-lspci -s o -l output -x -a '(__virtio_lspci_outputs)' -d 'Output format'
complete -c virtio-lspci -s h -l help -d 'Show the help'
complete -c virtio-lspci -s V -l version -d 'Show the version'
