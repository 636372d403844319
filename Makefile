# Thin convenience layer over scripts/ (which wrap CMake).
.PHONY: all demo test build clean
all: build
build:
	sh scripts/build.sh
demo:
	sh scripts/demo.sh
test:
	sh scripts/test.sh
clean:
	rm -rf build build-asan
