//go:build !linux

package prefault

import "unsafe"

func populate(unsafe.Pointer, uintptr) {}

func inMemory(unsafe.Pointer) bool { return true }
