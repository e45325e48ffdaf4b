//go:build windows

package xinput

import "golang.org/x/sys/windows"

// Pin loads the XInput DLL GLFW will use and pins it for the life of the
// process; it returns the DLL's name, or "" when none loads (GLFW then
// has no controllers either).
func Pin() string {
	for _, n := range Names {
		if _, err := windows.LoadLibrary(n); err != nil {
			continue
		}
		name, _ := windows.UTF16PtrFromString(n)
		var pinned windows.Handle
		if err := windows.GetModuleHandleEx(windows.GET_MODULE_HANDLE_EX_FLAG_PIN, name, &pinned); err != nil {
			return "" // loaded all the same: the load's reference is never freed
		}
		return n
	}
	return ""
}
