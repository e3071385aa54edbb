/*
 * ProcessPrng, for Wine only: never shipped.
 *
 * Rust's standard library on Windows draws random numbers (HashMap keys,
 * among others) from ProcessPrng in bcryptprimitives.dll, which Windows 10
 * and 11 have. Wine 8.0 (Debian 12) has no such DLL, so a Windows test
 * program does not even start there. This one exports ProcessPrng over
 * RtlGenRandom (SystemFunction036 in advapi32), which Wine has; the test
 * scripts put it in their own Wine prefix's system32.
 */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length)
{
    while (length > 0) {
        ULONG chunk = length > 0x7fffffff ? 0x7fffffff : (ULONG)length;
        if (!SystemFunction036(data, chunk))
            return FALSE;
        data += chunk;
        length -= chunk;
    }
    return TRUE;
}
