/* Test-only stand-in for bcryptprimitives.dll under Debian's wine 8, which
 * lacks it: Go >= 1.22 programs need ProcessPrng at start. Never shipped.
 * Fills the buffer with RtlGenRandom (advapi32 SystemFunction036). */
#include <windows.h>

typedef BOOLEAN(WINAPI *genrandom_fn)(PVOID, ULONG);

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len)
{
	static genrandom_fn genrandom;
	if (!genrandom) {
		HMODULE adv = LoadLibraryA("advapi32.dll");
		if (!adv)
			return FALSE;
		genrandom = (genrandom_fn)GetProcAddress(adv, "SystemFunction036");
		if (!genrandom)
			return FALSE;
	}
	while (len > 0) {
		ULONG n = len > 0x40000000 ? 0x40000000 : (ULONG)len;
		if (!genrandom(data, n))
			return FALSE;
		data += n;
		len -= n;
	}
	return TRUE;
}

BOOL WINAPI DllMain(HINSTANCE h, DWORD reason, LPVOID reserved)
{
	(void)h; (void)reason; (void)reserved;
	return TRUE;
}
