# virtio-lspci: build, install, run, check, bench, Debian packages.
# `make run` and `make check` install what they need on Debian 12 (as root).
# CPPFLAGS, CFLAGS and LDFLAGS are honoured as distributions pass them.

PREFIX ?= /usr/local
DESTDIR ?=
BINDIR ?= $(PREFIX)/bin
LIBDIR ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
MANDIR ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR ?= $(PREFIX)/share/zsh/site-functions
FISHCOMPDIR ?= $(PREFIX)/share/fish/vendor_completions.d
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig
# The textfile collector's systemd units (not enabled) and the alerting rules.
SYSTEMDUNITDIR ?= $(PREFIX)/lib/systemd/system
PKGDATADIR ?= $(PREFIX)/share/virtio-lspci

VERSION := $(shell sed -n 's/^\#define VLP_VERSION "\(.*\)"/\1/p' src/lib/vlp/base.h)
SOMAJOR := 0

CC ?= cc
PKG_CONFIG ?= pkg-config
PCI_CFLAGS := $(shell $(PKG_CONFIG) --cflags libpci 2>/dev/null)
PCI_LIBS := $(shell $(PKG_CONFIG) --libs libpci 2>/dev/null || echo -lpci)
CMOCKA_LIBS := $(shell $(PKG_CONFIG) --libs cmocka 2>/dev/null || echo -lcmocka)
CURSES_CFLAGS := $(shell $(PKG_CONFIG) --cflags ncursesw 2>/dev/null)
CURSES_LIBS := $(shell $(PKG_CONFIG) --libs ncursesw 2>/dev/null || echo -lncursesw -ltinfo)
READLINE_LIBS := $(shell $(PKG_CONFIG) --libs readline 2>/dev/null || echo -lreadline)
# libvirt (optional): --domain reaches a VM's monitor through libvirtd when
# pkg-config finds libvirt-qemu (Debian: libvirt-dev); VLP_LIBVIRT=no builds
# without it (then --domain says so).  --version tells which.
VLP_LIBVIRT ?= auto
# Only its headers are used at build time: the library loads libvirt-qemu.so.0
# when --domain needs it (src/lib/core/monitor_libvirt.c says why), so
# LIBVIRT_LIBS is what links with libvlp: -ldl for dlopen (part of libc
# since glibc 2.34; the name still links).
ifneq ($(VLP_LIBVIRT),no)
LIBVIRT_FOUND := $(shell $(PKG_CONFIG) --exists libvirt-qemu libvirt 2>/dev/null && echo yes)
endif
ifeq ($(LIBVIRT_FOUND),yes)
LIBVIRT_LIBS := -ldl
LIBVIRT_CFLAGS := -DVLP_HAVE_LIBVIRT $(shell $(PKG_CONFIG) --cflags libvirt-qemu libvirt 2>/dev/null)
else ifeq ($(VLP_LIBVIRT),yes)
$(error VLP_LIBVIRT=yes: pkg-config finds no libvirt-qemu (install libvirt-dev))
endif

# Warnings are errors only with WERROR=1, which the test targets and `make
# check` (so CI) set: a plain `make` with another compiler or flag set warns
# and still builds.  Recursive (=) so that the test targets' WERROR applies.
WARN = -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wformat=2 -Wvla \
	$(if $(filter 1,$(WERROR)),-Werror)
CFLAGS ?= -O2 -g
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE $(CPPFLAGS) $(WARN) $(CFLAGS) $(PCI_CFLAGS) $(CURSES_CFLAGS) $(LIBVIRT_CFLAGS)
# Each layer sees only what is below it: the library its own headers, the
# shared view layer the library's, each face the view layer and its own
# folder; src/main.c, which dispatches to the faces, sees them all.
LIB_INC := -Isrc/lib
VIEW_INC := $(LIB_INC) -Isrc/view
FACE_INC = $(VIEW_INC) -I$(<D)
MAIN_INC := $(VIEW_INC) -Isrc/cli -Isrc/repl -Isrc/tui
# The library needs libpci only; the faces add readline and ncurses.
LDLIBS := $(PCI_LIBS) $(LIBVIRT_LIBS)
FACE_LDLIBS := $(READLINE_LIBS) $(CURSES_LIBS)
CLI_LDLIBS := $(PCI_LIBS) $(LIBVIRT_LIBS) $(FACE_LDLIBS)

B := build
# Short build lines; V=1 shows the commands.
ifeq ($(V),1)
Q :=
say = @true
else
Q := @
say = @printf '  %-6s %s\n' $(1) $(2)
endif
LIB_SRC := $(wildcard src/lib/*/*.c)
VIEW_SRC := $(wildcard src/view/*.c)
FACE_SRC := $(wildcard src/cli/*.c src/repl/*.c src/tui/*.c)
CLI_SRC := $(VIEW_SRC) $(FACE_SRC) src/main.c
LIB_OBJ := $(LIB_SRC:src/%.c=$(B)/obj/%.o)
LIB_PIC := $(LIB_SRC:src/%.c=$(B)/pic/%.o)
CLI_OBJ := $(CLI_SRC:src/%.c=$(B)/obj/%.o)
CLI_LIB_OBJ := $(filter-out $(B)/obj/main.o,$(CLI_OBJ))
LIB_HEADERS := $(wildcard src/lib/*.h src/lib/*/*.h)
HEADERS := $(wildcard src/*/*.h) $(LIB_HEADERS)

STATIC_LIB := $(B)/libvlp.a
SHARED_LIB := $(B)/libvlp.so.$(VERSION)
SONAME := libvlp.so.$(SOMAJOR)

# The tool links the library statically by default, so ./virtio-lspci runs
# from the tree.  VLP_LINK=shared links it against libvlp.so.$(SOMAJOR) instead
# (the Debian package: one copy of the library, in libvlp$(SOMAJOR)); the tool
# calls libpci only through the library, so it does not link libpci itself.
VLP_LINK ?= static
ifeq ($(VLP_LINK),shared)
TOOL_LIB := $(SHARED_LIB)
TOOL_LIBS := -L$(B) -lvlp $(FACE_LDLIBS)
else
TOOL_LIB := $(STATIC_LIB)
TOOL_LIBS := $(STATIC_LIB) $(CLI_LDLIBS)
endif
# A build in another directory (B=build/clang) links its tool there too.
TOOL := $(if $(filter build,$(B)),virtio-lspci,$(B)/virtio-lspci)

.PHONY: all clean install uninstall run check bench deps test-deps lint format row-literals \
	unit layers sanitize golden golden-update check-corpus check-corpus-update roundtrip diff-names crosscheck live fuzz \
	docs-check utf8 exit-status readme-examples valgrind qemu qemu-active qemu-repl qemu-rings qemu-negotiate qemu-dma qemu-nudge qemu-selftest qemu-vhost-user qemu-pci-proxy qemu-libvirt qemu-exercise faulty-blk repl-tty tui qemu-tui \
	prometheus qemu-prometheus qemu-host build-clang deb deb-test symbols

all: $(TOOL) $(STATIC_LIB) $(SHARED_LIB) $(B)/libvlp.pc

$(B)/obj/lib/%.o: src/lib/%.c $(LIB_HEADERS)
	@mkdir -p $(dir $@)
	$(call say,CC,$@)
	$(Q)$(CC) $(ALL_CFLAGS) $(LIB_INC) -c -o $@ $<

$(B)/obj/view/%.o: src/view/%.c $(LIB_HEADERS) $(wildcard src/view/*.h)
	@mkdir -p $(dir $@)
	$(call say,CC,$@)
	$(Q)$(CC) $(ALL_CFLAGS) $(VIEW_INC) -c -o $@ $<

$(B)/obj/main.o: src/main.c $(HEADERS)
	@mkdir -p $(dir $@)
	$(call say,CC,$@)
	$(Q)$(CC) $(ALL_CFLAGS) $(MAIN_INC) -c -o $@ $<

$(B)/obj/%.o: src/%.c $(HEADERS)
	@mkdir -p $(dir $@)
	$(call say,CC,$@)
	$(Q)$(CC) $(ALL_CFLAGS) $(FACE_INC) -c -o $@ $<

$(B)/pic/%.o: src/%.c $(LIB_HEADERS)
	@mkdir -p $(dir $@)
	$(call say,CC,$@)
	$(Q)$(CC) $(ALL_CFLAGS) $(LIB_INC) -fPIC -fvisibility=hidden -DVLP_SHARED -c -o $@ $<

$(STATIC_LIB): $(LIB_OBJ)
	$(call say,AR,$@)
	$(Q)rm -f $@
	$(Q)ar rcs $@ $^

$(SHARED_LIB): $(LIB_PIC) src/lib/libvlp.ver
	$(call say,LD,$@)
	$(Q)$(CC) -shared -Wl,-soname,$(SONAME) -Wl,--version-script=src/lib/libvlp.ver \
		-o $@ $(LIB_PIC) $(LDFLAGS) $(LDLIBS)
	$(Q)ln -sf $(notdir $@) $(B)/$(SONAME)
	$(Q)ln -sf $(SONAME) $(B)/libvlp.so

$(B)/libvlp.pc: src/lib/libvlp.pc.in Makefile
	$(Q)sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(LIBDIR)|' -e 's|@INCLUDEDIR@|$(INCLUDEDIR)|' \
		-e 's|@VERSION@|$(VERSION)|' -e 's|@LIBVIRT_LIBS@|$(LIBVIRT_LIBS)|' $< > $@

$(TOOL): $(CLI_OBJ) $(TOOL_LIB)
	$(call say,LD,$@)
	$(Q)$(CC) $(LDFLAGS) -o $@ $(CLI_OBJ) $(TOOL_LIBS)

install: all
	install -Dm755 $(TOOL) $(DESTDIR)$(BINDIR)/virtio-lspci
	install -Dm644 man/virtio-lspci.8 $(DESTDIR)$(MANDIR)/man8/virtio-lspci.8
	install -Dm644 completions/virtio-lspci.bash $(DESTDIR)$(BASHCOMPDIR)/virtio-lspci
	install -Dm644 completions/_virtio-lspci $(DESTDIR)$(ZSHCOMPDIR)/_virtio-lspci
	install -Dm644 completions/virtio-lspci.fish $(DESTDIR)$(FISHCOMPDIR)/virtio-lspci.fish
	install -Dm644 src/lib/vlp.h $(DESTDIR)$(INCLUDEDIR)/vlp.h
	install -Dm644 -t $(DESTDIR)$(INCLUDEDIR)/vlp src/lib/vlp/*.h
	install -d $(DESTDIR)$(SYSTEMDUNITDIR)
	sed 's|@BINDIR@|$(BINDIR)|' monitoring/virtio-lspci-textfile.service \
		> $(DESTDIR)$(SYSTEMDUNITDIR)/virtio-lspci-textfile.service
	chmod 644 $(DESTDIR)$(SYSTEMDUNITDIR)/virtio-lspci-textfile.service
	install -m644 monitoring/virtio-lspci-textfile.timer $(DESTDIR)$(SYSTEMDUNITDIR)/
	install -Dm644 monitoring/virtio-lspci-alerts.yml $(DESTDIR)$(PKGDATADIR)/virtio-lspci-alerts.yml
	install -Dm644 $(STATIC_LIB) $(DESTDIR)$(LIBDIR)/libvlp.a
	install -Dm755 $(SHARED_LIB) $(DESTDIR)$(LIBDIR)/$(notdir $(SHARED_LIB))
	ln -sf $(notdir $(SHARED_LIB)) $(DESTDIR)$(LIBDIR)/$(SONAME)
	ln -sf $(SONAME) $(DESTDIR)$(LIBDIR)/libvlp.so
	@# The .pc names the install's own PREFIX/LIBDIR, whatever the build used.
	install -d $(DESTDIR)$(PKGCONFIGDIR)
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(LIBDIR)|' -e 's|@INCLUDEDIR@|$(INCLUDEDIR)|' \
		-e 's|@VERSION@|$(VERSION)|' -e 's|@LIBVIRT_LIBS@|$(LIBVIRT_LIBS)|' src/lib/libvlp.pc.in > $(DESTDIR)$(PKGCONFIGDIR)/libvlp.pc

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/virtio-lspci $(DESTDIR)$(MANDIR)/man8/virtio-lspci.8 \
		$(DESTDIR)$(BASHCOMPDIR)/virtio-lspci $(DESTDIR)$(ZSHCOMPDIR)/_virtio-lspci \
		$(DESTDIR)$(FISHCOMPDIR)/virtio-lspci.fish $(DESTDIR)$(INCLUDEDIR)/vlp.h \
		$(addprefix $(DESTDIR)$(INCLUDEDIR)/vlp/,$(notdir $(wildcard src/lib/vlp/*.h))) \
		$(DESTDIR)$(LIBDIR)/libvlp.a $(DESTDIR)$(LIBDIR)/$(notdir $(SHARED_LIB)) \
		$(DESTDIR)$(LIBDIR)/$(SONAME) $(DESTDIR)$(LIBDIR)/libvlp.so \
		$(DESTDIR)$(PKGCONFIGDIR)/libvlp.pc \
		$(DESTDIR)$(SYSTEMDUNITDIR)/virtio-lspci-textfile.service \
		$(DESTDIR)$(SYSTEMDUNITDIR)/virtio-lspci-textfile.timer \
		$(DESTDIR)$(PKGDATADIR)/virtio-lspci-alerts.yml
	-rmdir $(DESTDIR)$(INCLUDEDIR)/vlp

# ---------------------------------------------------------------- set-up
deps:
	@tests/install-deps.sh build

test-deps:
	@tests/install-deps.sh test

# The main job: the machine's virtio devices, or the bundled sample dump of
# real devices when it has none.
run: deps
	@$(MAKE) --no-print-directory all
	@if [ -n "$$(./virtio-lspci 2>/dev/null)" ]; then \
		echo "== virtio-lspci -vv (this machine's virtio devices)"; ./virtio-lspci -vv; \
	else \
		echo "== no virtio devices here; decoding the bundled sample dump tests/data/host-vm.lspci"; \
		./virtio-lspci -vv -F tests/data/host-vm.lspci; \
	fi

# ---------------------------------------------------------------- tests
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(B)/tests/%)
SAN_BIN := $(UNIT_SRC:tests/unit/%.c=$(B)/san/%)
SAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer

$(B)/tests/%: tests/unit/%.c $(STATIC_LIB) $(CLI_LIB_OBJ)
	@mkdir -p $(dir $@)
	$(call say,CC,$@)
	$(Q)$(CC) $(ALL_CFLAGS) $(MAIN_INC) -Wno-missing-prototypes $(LDFLAGS) -o $@ $< $(CLI_LIB_OBJ) $(STATIC_LIB) \
		$(CLI_LDLIBS) $(CMOCKA_LIBS)

# The sources under the sanitizers are compiled once and linked into every
# test (compiling them per test made this the slowest step of make check).
SAN_OBJ := $(patsubst src/%.c,$(B)/san/obj/%.o,$(LIB_SRC) $(filter-out src/main.c,$(CLI_SRC)))
.SECONDARY: $(SAN_OBJ)

$(B)/san/obj/%.o: src/%.c $(HEADERS)
	@mkdir -p $(dir $@)
	$(call say,CC,$@)
	$(Q)$(CC) $(ALL_CFLAGS) $(MAIN_INC) -O1 -g $(SAN_FLAGS) -c -o $@ $<

$(B)/san/%: tests/unit/%.c $(SAN_OBJ)
	@mkdir -p $(dir $@)
	$(call say,CC,$@)
	$(Q)$(CC) $(ALL_CFLAGS) $(MAIN_INC) -Wno-missing-prototypes -O1 -g $(SAN_FLAGS) $(LDFLAGS) -o $@ $< \
		$(SAN_OBJ) $(CLI_LDLIBS) $(CMOCKA_LIBS)

# The fuzz target without libFuzzer, run once per file named (tests/fuzz/replay.c):
# make valgrind replays every dump through it in one process.
FUZZ_REPLAY := $(B)/tests/fuzz-replay
$(FUZZ_REPLAY): tests/fuzz/replay.c tests/fuzz/fuzz_dump.c $(STATIC_LIB) $(CLI_LIB_OBJ)
	@mkdir -p $(dir $@)
	$(call say,CC,$@)
	$(Q)$(CC) $(ALL_CFLAGS) $(MAIN_INC) -Wno-missing-prototypes $(LDFLAGS) -o $@ tests/fuzz/replay.c \
		tests/fuzz/fuzz_dump.c $(CLI_LIB_OBJ) $(STATIC_LIB) $(CLI_LDLIBS)

# The vhost-user-blk back-end that breaks device rules on purpose
# (tests/vhost-user/faulty-blk.c), and its PCI front for QEMU's
# x-pci-proxy-dev (faulty-pci.c), for the QEMU suites; it takes the feature
# bits, queue indices and request codes from the library's spec.h, nothing
# else of the project.
FAULTY_BLK := $(B)/tests/faulty-blk
FAULTY_BLK_SRC := tests/vhost-user/faulty-blk.c tests/vhost-user/faulty-pci.c
$(FAULTY_BLK): $(FAULTY_BLK_SRC) tests/vhost-user/faulty-blk.h src/lib/vlp/spec.h src/lib/vlp/base.h
	@mkdir -p $(dir $@)
	$(call say,CC,$@)
	$(Q)$(CC) -std=c11 -D_GNU_SOURCE $(CPPFLAGS) $(WARN) $(CFLAGS) $(LIB_INC) $(LDFLAGS) -o $@ $(FAULTY_BLK_SRC)

faulty-blk: $(FAULTY_BLK)

unit: $(UNIT_BIN)
	@tests/run-unit.sh $(UNIT_BIN)

sanitize: $(SAN_BIN)
	@echo "== unit tests under ASan+UBSan"
	@ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 tests/run-unit.sh $(SAN_BIN)

golden: virtio-lspci
	@tests/golden.sh ./virtio-lspci

golden-update: virtio-lspci
	@tests/golden.sh ./virtio-lspci --update

# The conformance checker on every dump, snapshot and broken-corpus file.
check-corpus: virtio-lspci
	@tests/check.sh ./virtio-lspci

check-corpus-update: virtio-lspci
	@tests/check.sh ./virtio-lspci --update

crosscheck: virtio-lspci
	@tests/crosscheck.sh ./virtio-lspci

# --save round-trips: every snapshot in tests/data and mutants of each decode
# the same after saving and reading back.
roundtrip: virtio-lspci
	@tests/roundtrip.sh ./virtio-lspci

# One name per field: every name --diff -J prints is a key of -J -vv.
diff-names: virtio-lspci
	@tests/diff-names.sh ./virtio-lspci

live: virtio-lspci
	@tests/live.sh ./virtio-lspci

# The live view (--top) on snapshots, driven through tmux.
tui: virtio-lspci
	@tests/tui.sh ./virtio-lspci

# The QEMU guest suite: everything behind the BARs, and everything that
# writes, runs inside guests it boots itself (tests/qemu).
qemu: virtio-lspci
	@tests/qemu/suite.sh

# The live view on a live device in a guest, changed by a REPL batch meanwhile.
qemu-tui: virtio-lspci
	@tests/qemu/tui-suite.sh

# The checks that write (--check --active) and --diff around a batch command,
# in a guest of their own whose devices are unbound.
qemu-active: virtio-lspci
	@tests/qemu/active.sh ./virtio-lspci

# The write path (REPL batch mode) in a guest, checked against QEMU's view over QMP.
qemu-repl: virtio-lspci
	@tests/qemu/repl-suite.sh

# Ring state (--rings) in guests, checked against QEMU's own view over QMP
# (x-query-virtio-queue-status and -element), with a virtio-blk request held in flight.
qemu-rings: virtio-lspci
	@tests/qemu/rings-suite.sh

# --negotiate in one guest: a virtio-rng with iommu_platform=on requires bit 33, the same
# device without it nothing; QMP shows both left reset; refused on a bound device.
qemu-negotiate: virtio-lspci
	@tests/qemu/negotiate.sh ./virtio-lspci

# --selftest in one guest: rng reads, blk sector 0 against the image and through /dev/vda
# after --rebind, the console line in the host's chardev file, balloon init + reset, QMP
# status 0 afterwards, and the refusal on a bound device; then a second guest with
# intel-iommu: --selftest refused naming the IOMMU group, --rings naming the IOVAs.
qemu-selftest: virtio-lspci
	@tests/qemu/selftest.sh ./virtio-lspci && tests/qemu/selftest-iommu.sh ./virtio-lspci

# vhost-user-blk in one guest: tests/vhost-user/faulty-blk clean and qemu-storage-daemon's
# export read, written and self-tested through the guest's virtio_blk, then one faulty-blk
# per fault, each seen where the guest can see it (kernel, --check, --selftest).
qemu-vhost-user: virtio-lspci $(FAULTY_BLK)
	@tests/qemu/vhost-user.sh

# Whole virtio-pci functions served by faulty-blk --pci-proxy through QEMU's
# x-pci-proxy-dev: the register checks of --check --exercise failing on each fault
# and passing on the clean devices.
qemu-pci-proxy: virtio-lspci $(FAULTY_BLK)
	@tests/qemu/pci-proxy.sh

# --domain and --all-domains through a libvirtd started by hand (root): a
# transient TCG domain compared with virsh qemu-monitor-command's answers.
qemu-libvirt: virtio-lspci
	@tests/qemu/libvirt.sh

# --check --exercise in one guest on QEMU's virtio-rng, -blk, -serial (virtconsole), -scsi,
# -balloon and -net: every exercise check passes, is NOT RUN with its reason, or fails as
# one of QEMU 7.2's documented deviations; -J passed, -o junit read by python3-junitparser,
# --rebind and a read through the driver, QMP status 0 after, refusals; seconds per type.
qemu-exercise: virtio-lspci
	@tests/qemu/exercise.sh ./virtio-lspci

# User-space DMA (REPL queue setup, post, kick, poll) on a virtio-rng in a guest, checked
# against QEMU's view over QMP (x-query-virtio-queue-status), and the refusals.
qemu-dma: virtio-lspci
	@tests/qemu/dma.sh

# --nudge (the kick probe) in a guest: a buffer the REPL posted without a kick is consumed
# after the nudge, QMP's used-idx agrees; nothing available, dry run, bound device refused.
qemu-nudge: virtio-lspci
	@tests/qemu/nudge.sh

# The Prometheus chain in a guest: its collector's textfile read by a real node_exporter,
# scraped by a real Prometheus with the shipped rules; VirtioQueueStalled fires for a
# throttled virtio-blk and resolves when released (loopback only).
qemu-prometheus: virtio-lspci
	@tests/qemu/prometheus.sh ./virtio-lspci

# The host's view (--qmp) of one guest against the guest's own view at the same moment,
# a stall made on purpose judged from both sides, the refusals, and only queries sent.
qemu-host: virtio-lspci
	@tests/qemu/host.sh

# The interactive REPL in tmux: completion, history, Ctrl-C.
repl-tty: virtio-lspci
	@tests/repl-tty.sh ./virtio-lspci

# The Prometheus output (-o prometheus, --textfile) on every dump and snapshot through
# promtool, the alerting rules' unit tests, the systemd units.
prometheus: virtio-lspci
	@tests/prometheus.sh ./virtio-lspci

FUZZ_SECONDS ?= 60
fuzz:
	@tests/fuzz/run.sh $(FUZZ_SECONDS)

docs-check: virtio-lspci
	@tests/check-docs.sh ./virtio-lspci

# Bytes that are no UTF-8 in every text line of a snapshot: -J stays strict
# UTF-8 JSON, -o prometheus passes promtool.
utf8: virtio-lspci
	@tests/utf8.sh ./virtio-lspci

# One exit status per outcome: every face over every bad input, one line on stderr.
exit-status: virtio-lspci
	@tests/exit-status.sh ./virtio-lspci

# Every example command of README.md runs against the test data.
readme-examples: virtio-lspci
	@tests/readme-examples.sh ./virtio-lspci

valgrind: virtio-lspci $(FUZZ_REPLAY) $(UNIT_BIN)
	@tests/valgrind.sh ./virtio-lspci $(FUZZ_REPLAY) $(UNIT_BIN)

# Static checks: clang-format (.clang-format), shellcheck, cppcheck; LINT_SKIP="TOOL ..." skips some.
lint:
	@tests/lint.sh

# Applies .clang-format to the files `make lint` checks.
format:
	@git ls-files --cached --others --exclude-standard -- 'src/*.[ch]' 'tests/unit/*.[ch]' | xargs -r clang-format -i --style=file

# The same build with clang, warnings as errors, in a directory of its own:
# library, tool and unit tests.
CLANG_B := $(B)/clang
build-clang:
	@if $(MAKE) --no-print-directory B=$(CLANG_B) CC=clang WERROR=1 \
		all $(UNIT_SRC:tests/unit/%.c=$(CLANG_B)/tests/%); then \
		echo "build-clang: 1 passed, 0 failed"; \
	else \
		echo "build-clang: 0 passed, 1 failed"; exit 1; \
	fi

# Debian packages (virtio-lspci, libvlp0, libvlp-dev) with dpkg-buildpackage,
# built in a copy of the files git knows (tracked, or new and not ignored),
# so that no build product of this tree leaks in.  They land in $(DEB_DIR).
DEB_DIR := $(B)/deb
DEB_SRC := $(DEB_DIR)/virtio-lspci-$(VERSION)
deb:
	@tests/install-deps.sh deb
	@git rev-parse --git-dir >/dev/null 2>&1 || { echo "make deb: needs a git checkout" >&2; exit 1; }
	rm -rf $(DEB_DIR)
	mkdir -p $(DEB_SRC)
	git ls-files -z --cached --others --exclude-standard | \
		xargs -0 sh -c 'for f; do [ -e "$$f" ] && printf "%s\0" "$$f"; done' sh | \
		tar --null -T - -cf - | tar -xf - -C $(DEB_SRC)
	cd $(DEB_SRC) && dpkg-buildpackage -us -uc -b -Jauto
	@ls $(DEB_DIR)/*.deb

# Rewrites debian/libvlp0.symbols from what the shared library exports
# (every symbol at the current version: none has been released yet); review
# the diff.  deb-test fails while the file and the library disagree.
symbols: $(SHARED_LIB)
	@{ sed -n '1,3p' debian/libvlp0.symbols; \
	   nm -D --defined-only $(SHARED_LIB) | awk '$$3 ~ /^vlp_/ { sub(/@@LIBVLP_0$$/, "", $$3); print " " $$3 "@LIBVLP_0 $(VERSION)" }' | LC_ALL=C sort; \
	 } > debian/libvlp0.symbols.new && mv debian/libvlp0.symbols.new debian/libvlp0.symbols

# Builds the packages, then lints, installs, uses and removes them.
deb-test:
	@tests/deb.sh

# The library's floors on the built objects: calls only down, no two files
# calling each other, sources under 900 lines, public headers under 700.
layers: all
	@tests/layers.sh $(B)

# No C string literal of a register row's name outside the field tables.
row-literals:
	@tests/row-literals.sh

# Every suite runs even when one fails; the summary says which failed.
CHECK_SUITES := unit valgrind row-literals layers sanitize golden check-corpus roundtrip diff-names crosscheck live tui docs-check utf8 exit-status readme-examples prometheus lint fuzz qemu qemu-repl qemu-active qemu-rings qemu-negotiate qemu-dma qemu-nudge qemu-selftest qemu-vhost-user qemu-pci-proxy qemu-libvirt qemu-exercise qemu-tui qemu-prometheus qemu-host repl-tty build-clang deb-test
# Warnings are errors for the tests (see WARN); WERROR=0 on the command line
# turns that off.
$(CHECK_SUITES) check golden-update check-corpus-update: WERROR = 1
check: test-deps
	@$(MAKE) --no-print-directory WERROR=$(WERROR) all
	@$(MAKE) --no-print-directory WERROR=$(WERROR) $(UNIT_BIN)
	@tests/run-suites.sh $(CHECK_SUITES)

bench: deps
	@$(MAKE) --no-print-directory all
	@tests/bench/bench.sh ./virtio-lspci

clean:
	rm -rf $(B)/obj $(B)/pic $(B)/tests $(B)/san $(B)/fuzz $(B)/bench $(B)/*.a $(B)/*.so* $(B)/*.pc $(TOOL) \
		$(CLANG_B) $(DEB_DIR)
