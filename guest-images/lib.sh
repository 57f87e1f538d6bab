# guest-images/lib.sh - helpers shared by the image build scripts (sourced).
#
# Layout under build/ (ROOT is the repository):
#   build/cache/debs/                downloaded .deb files
#   build/cache/kernel/<ver>/        unpacked linux-image-<ver> (+ full depmod)
#   build/images/kernel.version      the Debian kernel version in use
#   build/images/guest/              guest bzImage + initramfs
#   build/images/host/               lab host bzImage + initramfs layers

set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-$ROOT/build}
CACHE=$BUILD/cache
IMAGES=$BUILD/images

msg() { echo "images: $*" >&2; }
die() { echo "images: error: $*" >&2; exit 1; }

# The versioned kernel package that linux-image-amd64 points at, e.g.
# linux-image-6.1.0-56-amd64. Falls back to the newest cached one offline.
kernel_pkg() {
	local p
	p=$(apt-cache depends linux-image-amd64 2>/dev/null |
		sed -n 's/^ *Depends: \(linux-image-[0-9].*-amd64\)$/\1/p' | head -n1)
	if [ -z "$p" ] && [ -z "$(ls -A "$CACHE/kernel" 2>/dev/null)" ]; then
		# no package lists yet on this machine, and nothing cached
		msg "apt has no package lists; running apt-get update"
		apt-get update -qq >&2 || true
		p=$(apt-cache depends linux-image-amd64 2>/dev/null |
			sed -n 's/^ *Depends: \(linux-image-[0-9].*-amd64\)$/\1/p' | head -n1)
	fi
	if [ -z "$p" ]; then
		p=$(ls -1 "$CACHE/kernel" 2>/dev/null | sort -V | tail -n1)
		[ -n "$p" ] || die "cannot resolve linux-image-amd64 (run scripts/setup, which runs apt-get update)"
		p=linux-image-$p
		msg "apt metadata unavailable; using cached $p"
	fi
	echo "$p"
}

# Download (once) and unpack (once) the kernel package. Prints the kernel
# version (the directory name under /lib/modules).
fetch_kernel() {
	local pkg ver dir deb
	pkg=$(kernel_pkg)
	ver=${pkg#linux-image-}
	dir=$CACHE/kernel/$ver
	if [ ! -f "$dir/.done" ]; then
		mkdir -p "$CACHE/debs"
		deb=$(ls "$CACHE/debs/${pkg}_"*.deb 2>/dev/null | head -n1 || true)
		if [ -z "$deb" ]; then
			msg "downloading $pkg"
			(cd "$CACHE/debs" && apt-get download -qq "$pkg" 2>&1 | grep -v unsandboxed >&2 || true)
			deb=$(ls "$CACHE/debs/${pkg}_"*.deb 2>/dev/null | head -n1 || true)
			[ -n "$deb" ] || die "apt-get download $pkg failed"
		fi
		msg "unpacking $(basename "$deb")"
		rm -rf "$dir"
		mkdir -p "$dir/root"
		dpkg-deb -x "$deb" "$dir/root"
		[ -d "$dir/root/lib/modules/$ver" ] || die "$deb has no /lib/modules/$ver"
		depmod -b "$dir/root" "$ver"
		touch "$dir/.done"
	fi
	echo "$ver"
}

kernel_root() { echo "$CACHE/kernel/$1/root"; }
kernel_image() { echo "$CACHE/kernel/$1/root/boot/vmlinuz-$1"; }

# le32 FILE OFFSET: the little-endian 32-bit number at OFFSET in FILE.
le32() {
	od -An -tu4 -j "$2" -N4 "$1" | tr -d ' '
}

# extract_vmlinux BZIMAGE OUT: the uncompressed ELF kernel inside a bzImage
# (what the kernel's scripts/extract-vmlinux does, from the setup header's
# payload_offset/payload_length instead of a magic-number search). The last
# 4 bytes of the payload are the uncompressed size: checked, so a truncated
# decompression is never taken for a kernel.
extract_vmlinux() {
	local img=$1 out=$2 sects start len want magic
	sects=$(od -An -tu1 -j $((0x1f1)) -N1 "$img" | tr -d ' ')
	[ "$sects" != 0 ] || sects=4
	start=$(( (sects + 1) * 512 + $(le32 "$img" $((0x248))) ))
	len=$(le32 "$img" $((0x24c)))
	[ "$len" -gt 4 ] || die "$img: no payload in the setup header"
	magic=$(od -An -tx1 -j "$start" -N4 "$img" | tr -d ' ')
	dd if="$img" of="$out.z" bs=64K iflag=skip_bytes,count_bytes skip="$start" count="$len" status=none
	want=$(le32 "$out.z" $((len - 4)))
	case "$magic" in
	fd377a58) xz -dc <"$out.z" >"$out.tmp" 2>/dev/null || true ;;
	1f8b*) gzip -dc <"$out.z" >"$out.tmp" 2>/dev/null || true ;;
	28b52ffd) zstd -dc <"$out.z" >"$out.tmp" 2>/dev/null || true ;;
	*) rm -f "$out.z"; die "$img: payload compressed in an unknown format (magic $magic)" ;;
	esac
	rm -f "$out.z"
	[ "$(head -c4 "$out.tmp" | od -An -tx1 | tr -d ' ')" = 7f454c46 ] ||
		die "$img: the unpacked payload is not an ELF file"
	[ "$(stat -c %s "$out.tmp")" = "$want" ] ||
		die "$img: unpacked $(stat -c %s "$out.tmp") bytes, the payload says $want"
	mv "$out.tmp" "$out"
}

# Resolve module names (dash or underscore) to their .ko paths relative to
# /lib/modules/<ver>, dependencies first, each once.
resolve_modules() {
	local ver=$1
	shift
	local dep
	dep=$(kernel_root "$ver")/lib/modules/$ver/modules.dep
	awk -v want="$*" '
		function norm(s) { gsub(/-/, "_", s); return s }
		function base(p,   n, a) { n = split(p, a, "/"); p = a[n]; sub(/\.ko(\.[a-z]+)?$/, "", p); return norm(p) }
		function emit(p,   i, n, d) {
			if (p in done) return
			done[p] = 1
			n = split(deps[p], d, " ")
			for (i = 1; i <= n; i++) emit(d[i])
			print p
		}
		{ p = $1; sub(/:$/, "", p); $1 = ""; deps[p] = $0; byname[base(p)] = p }
		END {
			n = split(want, w, " ")
			for (i = 1; i <= n; i++) {
				m = norm(w[i])
				if (!(m in byname)) { print "missing module " w[i] > "/dev/stderr"; bad = 1; continue }
				emit(byname[m])
			}
			exit bad
		}' "$dep"
}

# Copy the named modules (and dependencies) into STAGE and run depmod there.
install_modules() {
	local ver=$1 stage=$2
	shift 2
	local kroot m
	kroot=$(kernel_root "$ver")
	mkdir -p "$stage/lib/modules/$ver"
	for m in $(resolve_modules "$ver" "$@"); do
		mkdir -p "$stage/lib/modules/$ver/$(dirname "$m")"
		cp "$kroot/lib/modules/$ver/$m" "$stage/lib/modules/$ver/$m"
	done
	cp "$kroot/lib/modules/$ver/modules.order" "$kroot/lib/modules/$ver/modules.builtin" "$kroot/lib/modules/$ver/modules.builtin.modinfo" \
		"$stage/lib/modules/$ver/" 2>/dev/null || true
	depmod -b "$stage" "$ver"
}

# Copy a dynamically linked program and the libraries ldd lists into STAGE.
install_program() {
	local stage=$1 prog=$2 dest=${3:-$2} lib
	mkdir -p "$stage/$(dirname "$dest")"
	cp -L "$prog" "$stage/$dest"
	for lib in $(ldd "$prog" | awk '/=>/ { print $3 } /^\t\/.*ld-linux/ { print $1 }'); do
		[ -f "$lib" ] || continue
		mkdir -p "$stage/$(dirname "$lib")"
		[ -f "$stage/$lib" ] || cp -L "$lib" "$stage/$lib"
	done
}

# busybox-static plus the usual directories.
install_busybox() {
	local stage=$1
	mkdir -p "$stage"/{bin,sbin,dev,proc,sys,tmp,run,etc,root,usr/bin,usr/sbin,mnt}
	cp /bin/busybox "$stage/bin/busybox"
	ln -sf busybox "$stage/bin/sh"
}

# Pack STAGE as a newc cpio archive; gzip unless NOZIP=1.
pack_cpio() {
	local stage=$1 out=$2
	if [ "${NOZIP:-0}" = 1 ]; then
		(cd "$stage" && find . -mindepth 1 | LC_ALL=C sort | cpio --quiet -o -H newc -R 0:0) >"$out.tmp"
	else
		(cd "$stage" && find . -mindepth 1 | LC_ALL=C sort | cpio --quiet -o -H newc -R 0:0 | gzip -1) >"$out.tmp"
	fi
	mv "$out.tmp" "$out"
}

# True if OUT is missing or older than any of the given files/dirs.
stale() {
	local out=$1
	shift
	[ -e "$out" ] || return 0
	[ -n "$(find "$@" -newer "$out" 2>/dev/null | head -n1)" ]
}

# ---------------------------------------------------------------------------
# arm64 (guest-images/build-*-arm64): Debian's arm64 packages, downloaded and
# unpacked through scripts/arm64-apt (a private apt state; this machine's dpkg
# architecture list is untouched). Layout under build/:
#   build/cache/arm64/apt/           the private apt state (lists, cache)
#   build/cache/arm64/debs/          downloaded arm64 .deb files
#   build/cache/arm64/root/<name>/   unpacked sets of packages (a .debs manifest)
#   build/cache/kernel/<ver>-arm64/  unpacked linux-image-<ver>-arm64 (+ depmod)
#   build/images/arm64/              kernel.version, guest/, host/

A64=$CACHE/arm64
A64_IMAGES=$IMAGES/arm64

a64_apt() { "$ROOT/scripts/arm64-apt" "$@"; }

# The host tools the arm64 builders use (scripts/setup installs them).
a64_need_tools() {
	local t
	for t in aarch64-linux-gnu-readelf dpkg-deb depmod cpio gzip apt-get; do
		command -v "$t" >/dev/null || die "$t not found; run scripts/setup"
	done
}

# The versioned arm64 kernel package linux-image-arm64 points at, or the
# newest cached one when apt cannot say.
a64_kernel_pkg() {
	local p
	p=$(a64_apt apt-cache depends linux-image-arm64 2>/dev/null |
		sed -n 's/^ *Depends: \(linux-image-[0-9].*-arm64\)$/\1/p' | head -n1 || true)
	if [ -z "$p" ]; then
		p=$(ls -1 "$CACHE/kernel" 2>/dev/null | grep -- '-arm64$' | sort -V | tail -n1 || true)
		[ -n "$p" ] || die "cannot resolve linux-image-arm64 (run scripts/setup, then scripts/arm64-apt update --force)"
		p=linux-image-$p
		msg "arm64 apt metadata unavailable; using cached $p"
	fi
	echo "$p"
}

# Download (once) and unpack (once) the arm64 kernel package into the same
# cache as the x86 one (the version, e.g. 6.1.0-57-arm64, keeps them apart),
# so kernel_root, kernel_image and install_modules serve both. Prints the
# version.
a64_fetch_kernel() {
	local pkg ver dir deb
	pkg=$(a64_kernel_pkg)
	ver=${pkg#linux-image-}
	dir=$CACHE/kernel/$ver
	if [ ! -f "$dir/.done" ]; then
		deb=$(a64_apt fetch "$pkg") || die "could not download $pkg (run scripts/setup)"
		msg "unpacking $(basename "$deb")"
		rm -rf "$dir"
		mkdir -p "$dir/root"
		dpkg-deb -x "$deb" "$dir/root"
		[ -d "$dir/root/lib/modules/$ver" ] || die "$deb has no /lib/modules/$ver"
		depmod -b "$dir/root" "$ver"
		touch "$dir/.done"
	fi
	echo "$ver"
}

# a64_root NAME [--backports] PKG...: unpack PKG and what it depends on (its
# dependency closure, less the *-data, *-common and *-doc packages: only
# programs and libraries are taken from here) into
# build/cache/arm64/root/NAME, and print that folder. Unpacked again only when
# a package version changes (the .debs manifest).
a64_root() {
	local name=$1 bp=() pkgs debs want dir d
	shift
	if [ "${1:-}" = --backports ]; then bp=(--backports); shift; fi
	dir=$A64/root/$name
	# checked since the arm64 lists last changed (and they are not older
	# than the machine's own): the versions cannot have changed
	if [ -f "$dir/.checked" ] && [ "$(cat "$dir/.checked")" = "${bp[*]} $*" ] &&
		[ "$dir/.checked" -nt "$A64/apt/lists.stamp" ] && ! [ /var/lib/apt/lists -nt "$A64/apt/lists.stamp" ]; then
		echo "$dir"
		return
	fi
	pkgs=$(a64_apt "${bp[@]}" closure "$@" | grep -Ev -e '-(data|common|doc)$' || true)
	debs=$(a64_apt "${bp[@]}" fetch "$@" $pkgs) || die "could not download the arm64 packages for $name ($*); run scripts/setup"
	want=$(for d in $debs; do basename "$d"; done | LC_ALL=C sort)
	if [ ! -f "$dir/.debs" ] || [ "$(cat "$dir/.debs")" != "$want" ]; then
		msg "unpacking $(echo "$want" | wc -l) arm64 package(s) for $name"
		rm -rf "$dir"
		mkdir -p "$dir"
		for d in $debs; do dpkg-deb -x "$d" "$dir" || die "dpkg-deb -x $d failed; delete it and build again"; done
		echo "$want" >"$dir/.debs"
	fi
	echo "${bp[*]} $*" >"$dir/.checked"
	echo "$dir"
}

# a64_resolve ROOT PATH: PATH inside ROOT with its symlinks followed inside
# ROOT (the .debs' links are absolute: /lib/ld-linux-aarch64.so.1 -> ...).
a64_resolve() {
	local root=$1 p=$2 t i=0
	while [ -L "$root$p" ] && [ $i -lt 20 ]; do
		t=$(readlink "$root$p")
		case "$t" in
		/*) p=$t ;;
		*) p=$(dirname "$p")/$t ;;
		esac
		i=$((i + 1))
	done
	[ -e "$root$p" ] && echo "$root$p"
}

# a64_needed FILE: the sonames an arm64 ELF file needs.
a64_needed() {
	aarch64-linux-gnu-readelf -d "$1" | sed -n 's/.*(NEEDED).*Shared library: \[\(.*\)\]/\1/p'
}

# a64_install_program STAGE PROG DEST ROOT...: copy the arm64 program PROG to
# STAGE/DEST, its ELF interpreter to its own path, and the libraries it needs,
# recursively (aarch64-linux-gnu-readelf -d), to STAGE/lib/aarch64-linux-gnu
# (ld.so's built-in search path). Libraries are looked for in each ROOT's
# lib/aarch64-linux-gnu, usr/lib/aarch64-linux-gnu, lib and usr/lib, in the
# order given; one already in STAGE is kept.
a64_install_program() {
	local stage=$1 prog=$2 dest=$3
	shift 3
	local roots=("$@") todo=() f so r dir src interp
	mkdir -p "$stage/$(dirname "$dest")" "$stage/lib/aarch64-linux-gnu"
	cp -L "$prog" "$stage/$dest"
	interp=$(aarch64-linux-gnu-readelf -l "$prog" | sed -n 's/.*Requesting program interpreter: \(.*\)\]/\1/p')
	if [ -n "$interp" ] && [ ! -e "$stage$interp" ]; then
		src=
		for r in "${roots[@]}"; do src=$(a64_resolve "$r" "$interp") && break; done
		[ -n "$src" ] || die "$prog: its interpreter $interp is in none of ${roots[*]}"
		mkdir -p "$stage$(dirname "$interp")"
		cp "$src" "$stage$interp"
	fi
	todo=("$stage/$dest")
	while [ ${#todo[@]} -gt 0 ]; do
		f=${todo[0]}
		todo=("${todo[@]:1}")
		for so in $(a64_needed "$f"); do
			[ -e "$stage/lib/aarch64-linux-gnu/$so" ] && continue
			[ "/lib/$so" = "$interp" ] && continue
			src=
			for r in "${roots[@]}"; do
				for dir in lib/aarch64-linux-gnu usr/lib/aarch64-linux-gnu lib usr/lib; do
					src=$(a64_resolve "$r" "/$dir/$so") && break 2
				done
			done
			[ -n "$src" ] || die "$(basename "$prog") needs $so, which is in none of ${roots[*]}"
			cp "$src" "$stage/lib/aarch64-linux-gnu/$so"
			todo+=("$stage/lib/aarch64-linux-gnu/$so")
		done
	done
}

# a64_is_elf FILE: FILE is an arm64 ELF executable.
a64_is_elf() {
	aarch64-linux-gnu-readelf -h "$1" 2>/dev/null | grep -q 'Machine:.*AArch64'
}

# a64_install_busybox STAGE ROOT: the arm64 busybox-static from ROOT plus the
# usual directories.
a64_install_busybox() {
	local stage=$1 root=$2
	mkdir -p "$stage"/{bin,sbin,dev,proc,sys,tmp,run,etc,root,usr/bin,usr/sbin,mnt}
	cp "$root/bin/busybox" "$stage/bin/busybox"
	ln -sf busybox "$stage/bin/sh"
}

# a64_available_modules VER MODULE...: the MODULEs that VER has as modules
# (built-in or absent ones are left out, each said once on stderr).
a64_available_modules() {
	local ver=$1 m have
	shift
	for m in "$@"; do
		have=$(resolve_modules "$ver" "$m" 2>/dev/null || true)
		if [ -n "$have" ]; then
			echo "$m"
		else
			msg "$m is not a module in $ver (built in, or not built): left out"
		fi
	done
}
