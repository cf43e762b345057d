package spec

// The formats isoforge builds, after nixpkgs nixos/modules/image/images.nix
// (system.build.images, NixOS 25.05+) and the per-format modules it
// imports, each named in the entry's comment. Products and extensions are
// what those modules write: make-disk-image.nix declares
// "file <format>-image $out/<baseName>.<ext>" (qcow2, img, vhd for vpc),
// make-system-tarball.sh "file system-tarball", sd-image.nix
// "file sd-image", proxmox-image.nix "file vma".
const (
	minImages = "25.05"
	// Order-of-magnitude build times with a warm binary cache, KVM and
	// 2 to 4 cores (docs/formats.md).
	timeISO  = "5-15 min (squashfs of the closure)"
	timeDisk = "5-15 min with KVM; about 8x longer under TCG"
	timeTar  = "2-5 min"
)

var formatTable = map[string]Format{
	// installer/cd-dvd/installation-cd-minimal.nix; system.build.isoImage
	// works on every release, images.iso-installer only from 25.05.
	"iso-installer": {
		Name: "iso-installer", BaseModule: "installer/cd-dvd/installation-cd-minimal.nix",
		Aliases:   generatorsName("install-iso", "iso-installer"),
		Attribute: "config.system.build.isoImage", Product: "iso", ArtifactDir: "iso", ArtifactGlob: "*.iso", Ext: ".iso",
		Installer: true, SSHD: true, EFI: true, BuildTime: timeISO,
		Summary: "minimal NixOS installer ISO (installation-cd-minimal.nix)",
	},
	"install-iso-graphical": {
		Name: "install-iso-graphical", BaseModule: "installer/cd-dvd/installation-cd-graphical-calamares-gnome.nix",
		Attribute: "config.system.build.isoImage", Product: "iso", ArtifactDir: "iso", ArtifactGlob: "*.iso", Ext: ".iso",
		Installer: true, SSHD: true, EFI: true, NetworkManager: true, BuildTime: "15-40 min (a desktop closure of several GiB)",
		Summary: "graphical GNOME installer ISO with Calamares",
	},
	// installer/cd-dvd/iso-image.nix
	"iso": {
		Name: "iso", BaseModule: "installer/cd-dvd/iso-image.nix",
		Attribute: "config.system.build.isoImage", Product: "iso", ArtifactDir: "iso", ArtifactGlob: "*.iso", Ext: ".iso",
		BootDefaults: true, EFI: true, BuildTime: timeISO,
		Summary: "live ISO of your configuration, without the installer profile",
	},
	// virtualisation/disk-image.nix with image.efiSupport = false
	"qemu": diskImage("qemu", "qemu-efi", "qcow2-image", ".qcow2", false, "qcow",
		"QEMU qcow2 disk image, BIOS boot (legacy partition table)"),
	"qemu-efi": diskImage("qemu-efi", "qemu", "qcow2-image", ".qcow2", true, "qcow-efi",
		"QEMU qcow2 disk image, UEFI boot"),
	"raw": diskImage("raw", "raw-efi", "raw-image", ".img", false, "",
		"raw disk image to dd onto a disk, BIOS boot"),
	"raw-efi": diskImage("raw-efi", "raw", "raw-image", ".img", true, "",
		"raw disk image to dd onto a disk, UEFI boot"),
	// installer/sd-card/sd-image-aarch64.nix and sd-image-x86_64.nix
	// through sd-image.nix (sdImage.compressImage defaults to true).
	"sd-card": {
		Name: "sd-card", Attribute: "config.system.build.images.sd-card", Product: "sd-image",
		Aliases: map[string]string{
			"sd-aarch64": `"sd-aarch64" is the nixos-generators name; use format "sd-card" with system = "aarch64-linux".`,
			"sd-x86_64":  `"sd-x86_64" is the nixos-generators name; use format "sd-card" with system = "x86_64-linux".`,
		},
		AliasSystems: map[string]string{"sd-aarch64": "aarch64-linux", "sd-x86_64": "x86_64-linux"},
		ArtifactDir:  "sd-image", ArtifactGlob: "*.img.zst", Ext: ".img.zst", MinNixOS: minImages,
		Systems:   []string{"aarch64-linux", "x86_64-linux"},
		BuildTime: "10-30 min natively; hours for aarch64 under binfmt emulation without a binary cache",
		Summary:   "SD-card image (zstd) for ARM boards and x86_64 machines",
	},
	// installer/netboot/netboot-minimal.nix: netboot.nix's kexecTarball
	"kexec": {
		Name: "kexec", Attribute: "config.system.build.images.kexec", Product: "system-tarball",
		Aliases:     generatorsName("kexec-bundle", "kexec"),
		ArtifactDir: "tarball", ArtifactGlob: "*.tar.xz", Ext: ".tar.xz", MinNixOS: minImages, SSHD: true, BuildTime: timeTar,
		Summary: "kexec tarball (kernel, initrd, kexec script) for remote installs such as nixos-anywhere",
	},
	// virtualisation/proxmox-image.nix (VMA through make-disk-image.nix)
	"proxmox": {
		Name: "proxmox", Attribute: "config.system.build.images.proxmox", Product: "vma",
		ArtifactDir: ".", ArtifactGlob: "*.vma.zst", Ext: ".vma.zst", NeedsKVM: true, MinNixOS: minImages, DiskSize: true,
		BuildTime: timeDisk, Summary: "Proxmox VE backup (vzdump VMA, zstd) to restore as a VM",
	},
	// virtualisation/lxc-container.nix
	"lxc": {
		Name: "lxc", Attribute: "config.system.build.images.lxc", Product: "system-tarball",
		ArtifactDir: "tarball", ArtifactGlob: "*.tar.xz", Ext: ".tar.xz", MinNixOS: minImages, BuildTime: timeTar,
		Summary: "LXC container root file system tarball",
	},
	// virtualisation/proxmox-lxc.nix
	"proxmox-lxc": {
		Name: "proxmox-lxc", Attribute: "config.system.build.images.proxmox-lxc", Product: "system-tarball",
		ArtifactDir: "tarball", ArtifactGlob: "*.tar.xz", Ext: ".tar.xz", MinNixOS: minImages, SSHD: true, BuildTime: timeTar,
		Summary: "Proxmox VE LXC container template",
	},
	// maintainers/scripts/ec2/amazon-image.nix: its postVM adds
	// "file vpc $diskImage" (amazonImage.format defaults to vpc).
	"amazon": cloudImage("amazon", "vpc", "*.vhd", ".vhd", "", "Amazon EC2 AMI disk (VHD)"),
	// virtualisation/azure-image.nix: raw converted to a fixed VHD.
	"azure": cloudImage("azure", "", "*.vhd", ".vhd", "", "Azure fixed-size VHD"),
	// virtualisation/digital-ocean-image.nix: qcow2, gzip-compressed.
	"digital-ocean": cloudImage("digital-ocean", "", "*.qcow2.gz", ".qcow2.gz", "do", "DigitalOcean custom image (qcow2, gzip)"),
	// virtualisation/google-compute-image.nix: disk.raw in a tar.gz.
	"google-compute": cloudImage("google-compute", "", "*.raw.tar.gz", ".raw.tar.gz", "gce", "Google Compute Engine image (raw disk in tar.gz)"),
	// maintainers/scripts/openstack/openstack-image.nix (no diskSize)
	"openstack": {
		Name: "openstack", Attribute: "config.system.build.images.openstack", Product: "qcow2-image",
		ArtifactDir: ".", ArtifactGlob: "*.qcow2", Ext: ".qcow2", NeedsKVM: true, MinNixOS: minImages, SSHD: true,
		BuildTime: timeDisk, Summary: "OpenStack qcow2 image with cloud-init style metadata",
	},
	// virtualisation/kubevirt.nix (no diskSize)
	"kubevirt": {
		Name: "kubevirt", Attribute: "config.system.build.images.kubevirt", Product: "qcow2-image",
		ArtifactDir: ".", ArtifactGlob: "*.qcow2", Ext: ".qcow2", NeedsKVM: true, MinNixOS: minImages, SSHD: true,
		BuildTime: timeDisk, Summary: "KubeVirt qcow2 image with cloud-init",
	},
	// virtualisation/hyperv-image.nix: raw converted to a dynamic VHDX.
	"hyperv": {
		Name: "hyperv", Attribute: "config.system.build.images.hyperv",
		ArtifactDir: ".", ArtifactGlob: "*.vhdx", Ext: ".vhdx", NeedsKVM: true, MinNixOS: minImages, EFI: true, DiskSize: true,
		BuildTime: timeDisk, Summary: "Hyper-V VHDX disk, UEFI boot",
	},
	// virtualisation/vmware-image.nix: raw converted to a VMDK.
	"vmware": {
		Name: "vmware", Attribute: "config.system.build.images.vmware",
		ArtifactDir: ".", ArtifactGlob: "*.vmdk", Ext: ".vmdk", NeedsKVM: true, MinNixOS: minImages, EFI: true, DiskSize: true,
		BuildTime: timeDisk, Summary: "VMware VMDK disk, UEFI boot",
	},
	// virtualisation/virtualbox-image.nix: an OVA exported by VBoxManage,
	// declared as "file ova".
	"virtualbox": {
		Name: "virtualbox", Attribute: "config.system.build.images.virtualbox", Product: "ova",
		ArtifactDir: ".", ArtifactGlob: "*.ova", Ext: ".ova", NeedsKVM: true, MinNixOS: minImages, DiskSize: true,
		BuildTime: timeDisk, Summary: "VirtualBox appliance (OVA)",
	},
}

// diskImage is a variant of virtualisation/disk-image.nix: qcow2 or raw,
// with or without EFI, written by make-disk-image.nix in a VM.
func diskImage(name, twin, product, ext string, efi bool, alias, summary string) Format {
	f := Format{
		Name: name, Attribute: "config.system.build.images." + name, Product: product,
		ArtifactDir: ".", ArtifactGlob: "*" + ext, Ext: ext, NeedsKVM: true, MinNixOS: minImages,
		EFI: efi, EFITwin: twin, DiskSize: true, BuildTime: timeDisk, Summary: summary,
	}
	if alias != "" {
		f.Aliases = generatorsName(alias, name)
	}
	return f
}

// cloudImage is a cloud provider's disk image: built by make-disk-image.nix
// in a VM, sshd on, sized by virtualisation.diskSize.
func cloudImage(name, product, glob, ext, alias, summary string) Format {
	f := Format{
		Name: name, Attribute: "config.system.build.images." + name, Product: product,
		ArtifactDir: ".", ArtifactGlob: glob, Ext: ext, NeedsKVM: true, MinNixOS: minImages, SSHD: true, DiskSize: true,
		BuildTime: timeDisk, Summary: summary,
	}
	if alias != "" {
		f.Aliases = generatorsName(alias, name)
	}
	return f
}

// generatorsName is the alias entry of a nixos-generators format name.
func generatorsName(old, name string) map[string]string {
	return map[string]string{old: `"` + old + `" is the nixos-generators name; nixpkgs calls this format "` + name + `".`}
}
