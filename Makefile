# Kaohe (客户经理考核) — build, run and test on Debian/Ubuntu.
#   make run    installs what it needs, builds, opens the app on the demo showroom
#   make test   installs what it needs, checks formatting, vets and runs every test
#   make windows    cross-compiles bin/kaohe.exe (icon, version, manifest) and
#                   bin/kaohe-hq-VERSION-windows-amd64.zip with mingw-w64
#   make installer  bin/kaohe-setup-VERSION.exe (NSIS, per-user)
#   Signing: SIGN_PKCS12=company.pfx SIGN_PASS_FILE=pass.txt TIMESTAMP_URL=http://…
#   (or SIGN_CERT=cert.pem SIGN_KEY=key.pem); without them the files stay unsigned.

SHELL := /bin/bash
GO ?= go
export CGO_ENABLED := 1
# Go 1.21+ fetches the toolchain go.mod asks for through the module proxy.
export GOTOOLCHAIN ?= auto

# Fyne's emoji font stays out of the build: no screen or message shows an
# emoji, and with it the window parsed 4.8 MB more of fonts per text style
# and mapped 4.2 MB more of binary (docs/BENCHMARKS.md, the real window's
# memory). An emoji typed into a note still draws from a system emoji font.
# Every go command make runs builds, vets and tests what ships; .ci/windows
# and scripts/bench-window-rss.sh name the tag in their own go build lines
# (cmd/kaohe TestBuildsLeaveOutTheEmojiFont checks them all).
TAGS := no_emoji
export GOFLAGS := $(strip -tags=$(TAGS) $(GOFLAGS))

VERSION := $(shell sed -n 's/^ *Version *= *"\(.*\)"/\1/p' FyneApp.toml)
LDFLAGS := -X main.Version=$(VERSION)
DEMO_DATA ?= $(HOME)/.local/share/kaohe-demo

# System packages: cgo and Fyne's OpenGL/X11 headers; Xvfb, ImageMagick and
# xdotool for the headless window checks; poppler for PDF checks; mingw-w64
# for the Windows build.
PACKAGES := gcc pkg-config libgl1-mesa-dev libx11-dev libxcursor-dev libxrandr-dev \
	libxinerama-dev libxi-dev libxxf86vm-dev xvfb xauth imagemagick xdotool poppler-utils \
	gcc-mingw-w64-x86-64 ca-certificates
# The Windows build and its check under wine (make windows, installer, .ci/run).
WIN_PACKAGES := gcc-mingw-w64-x86-64 binutils-mingw-w64-x86-64 imagemagick icoutils nsis \
	osslsigncode openssl zip unzip wine64 xvfb xauth xdotool poppler-utils sqlite3
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: deps windows-deps install-packages go build run test fuzz bench-sync attack-hq bench-window-rss check tracked-binaries windows vet-windows installer test-cert \
	clean libreoffice wordcount-diff wordcount-golden

deps:
	@$(MAKE) --no-print-directory install-packages PKGS="$(PACKAGES)"
	@command -v $(GO) >/dev/null || { echo "installing golang-go"; DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq golang-go >/dev/null; }
	@$(GO) version

windows-deps: deps
	@$(MAKE) --no-print-directory install-packages PKGS="$(WIN_PACKAGES)"

install-packages:
	@missing=$$(for p in $(PKGS); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q "install ok installed" || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "installing:" $$missing; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi

build: deps
	$(GO) build -ldflags "$(LDFLAGS)" -o bin/kaohe ./cmd/kaohe

run: build
	./bin/kaohe --data "$(DEMO_DATA)" --demo

# No binary over 1 MB is tracked outside assets/: a committed test binary or
# build output is caught here (the embedded font lives in assets/).
tracked-binaries:
	@big=$$(git ls-files -z | xargs -0 -r stat -c '%s %n' 2>/dev/null | awk '$$1 > 1048576 { sub(/^[0-9]+ /, ""); print }' | \
		grep -v '^assets/' | while IFS= read -r f; do grep -qI . "$$f" || echo "$$f"; done); \
	if [ -n "$$big" ]; then echo "binary files over 1 MB tracked outside assets/:"; echo "$$big"; exit 1; fi

check: tracked-binaries
	@out=$$(gofmt -l $$(git ls-files -co --exclude-standard '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...

# Every package runs under the race detector, the window's tests included.
# The window's package alone takes 10-15 min under -race on a shared
# machine: the timeout bounds a hang, not the load.
test: deps check
	$(GO) test -race -count=1 -timeout 30m ./...
	@$(MAKE) --no-print-directory fuzz

# Fuzz targets, each run for a count of inputs (about 3 seconds' worth here;
# by hand, e.g. make fuzz FUZZTIME=1h, for a time). A count, not a duration,
# in make test: Go 1.26's fuzz coordinator can report its own -fuzztime
# deadline as a failure ("context deadline exceeded", golang/go#75804), which
# a count-based limit never reaches. Minimizing a new input is bounded too, or
# a large seed (a workbook) spends a minute there.
FUZZTIME ?=
FUZZ_TARGETS := ./sync/bundle:FuzzOpen:1000x ./sync/server:FuzzDecodePush:1500x ./sync/server:FuzzDecodePull:3000x ./sync/server:FuzzPushDecoder:3000x \
	./internal/excel:FuzzReadRoster:2500x ./internal/excel:FuzzReadActuals:3500x \
	./internal/kaohe:FuzzParseDate:40000x ./internal/kaohe:FuzzParseEducation:60000x ./internal/kaohe:FuzzCountChars:30000x
fuzz:
	@log=$$(mktemp); for t in $(FUZZ_TARGETS); do pkg=$${t%%:*}; rest=$${t#*:}; fn=$${rest%%:*}; n=$${rest#*:}; \
		budget=$(if $(FUZZTIME),$(FUZZTIME),$$n); \
		echo "fuzz $$fn ($$pkg, $$budget)"; \
		$(GO) test -run='^$$' -fuzz="^$$fn$$" -fuzztime=$$budget -fuzzminimizetime=2s $$pkg >$$log 2>&1 \
			|| { cat $$log; rm -f $$log; exit 1; }; \
	done; rm -f $$log

# The two-process sync benchmark of docs/BENCHMARKS.md: `kaohe sync` of the
# demo at 1,450 managers against a `kaohe-hq serve` process on loopback,
# ROUNDS times, each followed by PouchDB replicating 100,000 documents when
# POUCH names a copy of the PouchDB anchor with its node_modules installed
# (npm install in it). BENCH_DIR keeps the binaries, the demo and the results
# (default: a new temporary folder).
ROUNDS ?= 3
bench-sync:
	scripts/bench-sync.sh -r $(ROUNDS) $(if $(BENCH_DIR),-w $(BENCH_DIR)) $(POUCH)

# A dishonest showroom and a dishonest HQ-mode PC against a real
# `kaohe-hq serve` with curl and their own tokens (every attack of issue
# #10's list): fails if HQ applies any or its state moves. Needs curl, jq,
# sqlite3 and python3.
attack-hq: deps
	@$(MAKE) --no-print-directory install-packages PKGS="curl jq sqlite3"
	scripts/attack-hq.sh $(if $(BENCH_DIR),-w $(BENCH_DIR))

# The real window's memory (docs/BENCHMARKS.md): the program under Xvfb on a
# showroom of MANAGERS managers (HQ=1: HQ mode's replica of 500 showrooms),
# every screen visited by xdotool, VmRSS/VmHWM read from /proc after each step.
# SHOTS=DIR keeps a screenshot of every step.
MANAGERS ?= 10000
bench-window-rss: deps
	scripts/bench-window-rss.sh -m $(MANAGERS) $(if $(HQ),-q) $(if $(BENCH_DIR),-w $(BENCH_DIR)) $(if $(SHOTS),-s $(SHOTS))

# 字数 against LibreOffice Writer itself (libreoffice-writer-nogui, headless;
# about 4 minutes). wordcount-diff (in CI) fails when CountChars or the golden
# file disagree with LibreOffice on any string of the corpus; wordcount-golden
# rewrites internal/kaohe/testdata/wordcount.golden from LibreOffice's answers.
libreoffice:
	@command -v soffice >/dev/null || { echo "installing libreoffice-writer-nogui"; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends libreoffice-writer-nogui >/dev/null; }

wordcount-diff: deps libreoffice
	KAOHE_WORDCOUNT=check $(GO) test -count=1 -timeout 30m -run TestCountCharsAgainstLibreOffice ./internal/kaohe/

wordcount-golden: deps libreoffice
	KAOHE_WORDCOUNT=write $(GO) test -count=1 -timeout 30m -run TestCountCharsAgainstLibreOffice ./internal/kaohe/

# ---- Windows -------------------------------------------------------------
# Resources (icon 16–256 px, version info, manifest) are compiled from
# packaging/windows/kaohe.rc into cmd/*/rsrc_windows_amd64.syso, which go build
# links and git ignores; nothing tracked is rewritten. The same sources give
# the same bytes (signing adds a signing time, so compare unsigned builds).
WIN := bin/windows
WINDRES := x86_64-w64-mingw32-windres
BUILD_NO := $(shell sed -n 's/^ *Build *= *\([0-9]*\).*/\1/p' FyneApp.toml)
VER_PARTS := $(subst ., ,$(VERSION))
COMPANY ?= Kaohe
COPYRIGHT ?= Copyright © 2026 Kaohe
WIN_ENV := GOOS=windows GOARCH=amd64 CC=x86_64-w64-mingw32-gcc
SETUP := bin/kaohe-setup-$(VERSION).exe
HQZIP := bin/kaohe-hq-$(VERSION)-windows-amd64.zip

SIGN_PKCS12 ?=
SIGN_PASS_FILE ?=
SIGN_CERT ?=
SIGN_KEY ?=
TIMESTAMP_URL ?=
ifneq ($(SIGN_PKCS12),)
SIGN_ARGS := -pkcs12 $(SIGN_PKCS12) $(if $(SIGN_PASS_FILE),-readpass $(SIGN_PASS_FILE))
else ifneq ($(SIGN_CERT),)
SIGN_ARGS := -certs $(SIGN_CERT) -key $(SIGN_KEY)
endif
# sign FILE: Authenticode SHA-256 signature in place (osslsigncode), with a
# timestamp when TIMESTAMP_URL is given.
define sign
	@if [ -n "$(SIGN_ARGS)" ]; then \
		osslsigncode sign $(SIGN_ARGS) -h sha256 -n "客户经理考核 Kaohe" \
			$(if $(TIMESTAMP_URL),-ts $(TIMESTAMP_URL)) -in $(1) -out $(1).signed >/dev/null \
		&& mv $(1).signed $(1) && echo "signed $(1)"; \
	else echo "not signed: $(1) (set SIGN_PKCS12 or SIGN_CERT/SIGN_KEY)"; fi
endef

$(WIN)/kaohe.ico: assets/icon.png
	@mkdir -p $(WIN)/icon
	@for s in 16 24 32 48 64 128 256; do \
		convert $< -strip -define png:exclude-chunks=date,time -resize $${s}x$${s} -depth 8 PNG32:$(WIN)/icon/$$s.png || exit 1; \
	done
	icotool -c -o $@ $(WIN)/icon/16.png $(WIN)/icon/24.png $(WIN)/icon/32.png $(WIN)/icon/48.png \
		$(WIN)/icon/64.png $(WIN)/icon/128.png -r $(WIN)/icon/256.png

# winres NAME,DESCRIPTION: the version header and the .syso of cmd/NAME.
define winres
	@mkdir -p $(WIN)/$(1)
	@{ echo '#define VER_MAJOR $(or $(word 1,$(VER_PARTS)),0)'; \
	  echo '#define VER_MINOR $(or $(word 2,$(VER_PARTS)),0)'; \
	  echo '#define VER_PATCH $(or $(word 3,$(VER_PARTS)),0)'; \
	  echo '#define VER_BUILD $(or $(BUILD_NO),0)'; \
	  echo '#define VER_STRING "$(VERSION)"'; \
	  echo '#define ICON_FILE "$(WIN)/kaohe.ico"'; \
	  echo '#define MANIFEST_FILE "packaging/windows/kaohe.manifest"'; \
	  echo '#define FILE_DESCRIPTION "$(2)"'; \
	  echo '#define INTERNAL_NAME "$(1)"'; \
	  echo '#define ORIGINAL_FILENAME "$(1).exe"'; \
	  echo '#define COMPANY "$(COMPANY)"'; \
	  echo '#define COPYRIGHT "$(COPYRIGHT)"'; } > $(WIN)/$(1)/version.h
	$(WINDRES) --codepage=65001 -I$(WIN)/$(1) -I. -O coff -i packaging/windows/kaohe.rc -o cmd/$(1)/rsrc_windows_amd64.syso
endef

windows: deps
	@for t in $(WINDRES) icotool convert zip osslsigncode; do command -v $$t >/dev/null || exit 1; done \
		|| $(MAKE) --no-print-directory windows-deps
	@$(MAKE) --no-print-directory $(WIN)/kaohe.ico
	$(call winres,kaohe,客户经理考核)
	$(call winres,kaohe-hq,客户经理考核 总部服务器)
	$(WIN_ENV) $(GO) build -ldflags "-H=windowsgui -s -w $(LDFLAGS)" -o bin/kaohe.exe ./cmd/kaohe
	$(WIN_ENV) $(GO) build -ldflags "-s -w $(LDFLAGS)" -o $(WIN)/kaohe-hq.exe ./cmd/kaohe-hq
	$(call sign,bin/kaohe.exe)
	$(call sign,$(WIN)/kaohe-hq.exe)
	@rm -f $(HQZIP) && cd $(WIN) && TZ=UTC touch -t 202601010000 kaohe-hq.exe && zip -q -X ../$(notdir $(HQZIP)) kaohe-hq.exe
	@ls -l bin/kaohe.exe $(HQZIP)

# go vet as the Windows build sees the code (its own files, cgo through
# mingw): a test that uses a Unix-only call fails here, not on a user's PC.
vet-windows: deps
	$(WIN_ENV) CGO_ENABLED=1 $(GO) vet ./...

installer: windows
	@command -v makensis >/dev/null || $(MAKE) --no-print-directory windows-deps
	makensis -V2 -INPUTCHARSET UTF8 -DVERSION=$(VERSION) -DBUILD_NO=$(or $(BUILD_NO),0) \
		-DCOMPANY="$(COMPANY)" -DEXE=$(CURDIR)/bin/kaohe.exe -DICON=$(CURDIR)/$(WIN)/kaohe.ico \
		-DOUTFILE=$(CURDIR)/$(SETUP) packaging/windows/installer.nsi
	$(call sign,$(SETUP))
	@ls -l $(SETUP)

# A throwaway self-signed code-signing certificate for CI and tests; Windows
# does not trust it. Use: make installer SIGN_CERT=bin/testcert/cert.pem SIGN_KEY=bin/testcert/key.pem
test-cert:
	@mkdir -p bin/testcert
	openssl req -x509 -newkey rsa:2048 -nodes -days 7 -subj "/CN=Kaohe test signing (not trusted)" \
		-addext extendedKeyUsage=codeSigning -keyout bin/testcert/key.pem -out bin/testcert/cert.pem 2>/dev/null

clean:
	rm -rf bin cmd/kaohe/rsrc_windows_amd64.syso cmd/kaohe-hq/rsrc_windows_amd64.syso
