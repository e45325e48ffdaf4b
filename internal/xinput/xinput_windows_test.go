//go:build windows

package xinput

import (
	"syscall"
	"testing"
	"time"
	"unsafe"

	"golang.org/x/sys/windows"
)

// TestPinnedXInputOutlivesItsUnload: after Pin, the load–use–free cycle of
// GLFW (window opened, controllers polled, window closed) never unloads the
// DLL, so the thread the first poll started never runs unmapped code (under
// wine 8, without the pin, the cycle kills the process with an "Unhandled
// page fault" in xinput1_4 within a few dozen rounds).
func TestPinnedXInputOutlivesItsUnload(t *testing.T) {
	name := Pin()
	if name == "" {
		t.Skip("no XInput DLL on this system") // nothing for GLFW to load either
	}
	var state [16]byte // XINPUT_STATE
	for round := 0; round < 20; round++ {
		h, err := windows.LoadLibrary(name) // as glfwInit
		if err != nil {
			t.Fatal(err)
		}
		get, err := windows.GetProcAddress(h, "XInputGetState")
		if err != nil {
			t.Fatal(err)
		}
		for pad := 0; pad < 4; pad++ { // starts the DLL's update thread
			syscall.SyscallN(get, uintptr(pad), uintptr(unsafe.Pointer(&state)))
		}
		if err := windows.FreeLibrary(h); err != nil { // as glfwTerminate
			t.Fatal(err)
		}
		time.Sleep(20 * time.Millisecond) // the thread's time to end, were it stopped
		n, _ := windows.UTF16PtrFromString(name)
		var still windows.Handle
		if err := windows.GetModuleHandleEx(windows.GET_MODULE_HANDLE_EX_FLAG_UNCHANGED_REFCOUNT, n, &still); err != nil || still == 0 {
			t.Fatalf("round %d: %s unloaded after GLFW's FreeLibrary (%v)", round, name, err)
		}
	}
}
