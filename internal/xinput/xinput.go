// Package xinput keeps the XInput DLL that the window's GLFW loads (for
// game controllers) in memory until the program exits.
//
// GLFW frees it when the window closes (glfwTerminate). Wine 8's
// xinput1_4.dll has a thread that signals the DLL's unload to go on and only
// then returns into the DLL's code: when the unload wins that race, the
// thread executes unmapped memory and the quitting program dies with
// "Unhandled page fault on execute access" inside xinput1_4 (its
// hid_update_thread_proc, just after SetEvent(done_event)), before it has
// closed its database and released its lock. Newer wine, like Windows, keeps
// the DLL loaded while the thread runs. A DLL pinned at start is never
// unloaded before the process ends, so its thread never outlives its code.
package xinput

// Names are the XInput DLLs in the order GLFW tries them; it keeps the
// first that loads.
var Names = []string{"xinput1_4.dll", "xinput1_3.dll", "xinput9_1_0.dll", "xinput1_2.dll", "xinput1_1.dll"}
