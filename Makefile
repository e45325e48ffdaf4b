# Kaohe (客户经理考核) — build, run and test on Debian/Ubuntu.
#   make run    installs what it needs, builds, opens the app on the demo showroom
#   make test   installs what it needs, checks formatting, vets and runs every test
#   make windows  cross-compiles bin/kaohe.exe with mingw-w64

SHELL := /bin/bash
GO ?= go
export CGO_ENABLED := 1
# Go 1.21+ fetches the toolchain go.mod asks for through the module proxy.
export GOTOOLCHAIN ?= auto

VERSION := $(shell sed -n 's/^ *Version *= *"\(.*\)"/\1/p' FyneApp.toml)
LDFLAGS := -X main.Version=$(VERSION)
DEMO_DATA ?= $(HOME)/.local/share/kaohe-demo

# System packages: cgo and Fyne's OpenGL/X11 headers; Xvfb, ImageMagick and
# xdotool for the headless window checks; poppler for PDF checks; mingw-w64
# for the Windows build.
PACKAGES := gcc pkg-config libgl1-mesa-dev libx11-dev libxcursor-dev libxrandr-dev \
	libxinerama-dev libxi-dev libxxf86vm-dev xvfb xauth imagemagick xdotool poppler-utils \
	gcc-mingw-w64-x86-64 ca-certificates
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: deps go build run test fuzz check tracked-binaries windows clean libreoffice wordcount-diff wordcount-golden

deps:
	@missing=$$(for p in $(PACKAGES); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q "install ok installed" || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "installing:" $$missing; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi
	@command -v $(GO) >/dev/null || { echo "installing golang-go"; DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq golang-go >/dev/null; }
	@$(GO) version

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

test: deps check
	$(GO) test -count=1 ./...
	@$(MAKE) --no-print-directory fuzz

# Fuzz targets, each run for FUZZTIME (a few seconds in make test; longer by
# hand, e.g. make fuzz FUZZTIME=1h). Minimizing a new input is bounded too, or
# a large seed (a workbook) spends a minute there.
FUZZTIME ?= 3s
FUZZ_TARGETS := ./sync/bundle:FuzzOpen ./sync/server:FuzzDecodePush ./sync/server:FuzzDecodePull \
	./internal/excel:FuzzReadRoster ./internal/excel:FuzzReadActuals \
	./internal/kaohe:FuzzParseDate ./internal/kaohe:FuzzParseEducation ./internal/kaohe:FuzzCountChars
fuzz:
	@log=$$(mktemp); for t in $(FUZZ_TARGETS); do pkg=$${t%%:*}; fn=$${t##*:}; \
		echo "fuzz $$fn ($$pkg, $(FUZZTIME))"; \
		$(GO) test -run='^$$' -fuzz="^$$fn$$" -fuzztime=$(FUZZTIME) -fuzzminimizetime=2s $$pkg >$$log 2>&1 \
			|| { cat $$log; rm -f $$log; exit 1; }; \
	done; rm -f $$log

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

windows: deps
	GOOS=windows GOARCH=amd64 CC=x86_64-w64-mingw32-gcc \
		$(GO) build -ldflags "-H=windowsgui -s -w $(LDFLAGS)" -o bin/kaohe.exe ./cmd/kaohe
	@ls -l bin/kaohe.exe

clean:
	rm -rf bin
