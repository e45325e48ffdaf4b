; Kaohe (客户经理考核) per-user installer: no administrator needed.
; Built by `make installer`, which passes VERSION, BUILD_NO, COMPANY, EXE,
; ICON and OUTFILE. Data stays in %LocalAppData%\kaohe: neither an upgrade nor
; the uninstaller touches it.
;
; Switches: /S silent; /UPDATE (used by the app's updater) waits for the
; running app to close and starts the new version when done, with the
; arguments that follow " -- " (the window's --data, --drop…); /WAIT=SECONDS
; how long a silent install waits for a running Kaohe before it gives up
; with exit code 2 (default 30), and for kaohe.exe to be free to replace
; before it gives up with exit code 3.

Unicode true
Target amd64-unicode
ManifestDPIAware true
RequestExecutionLevel user
SetCompressor /SOLID lzma

!include MUI2.nsh
!include LogicLib.nsh
!include FileFunc.nsh
!include StrFunc.nsh
${StrStr}

!define APPNAME "客户经理考核"
!define APPKEY "Kaohe"
; The app holds this mutex while it runs (cmd/kaohe/instance_windows.go).
!define LOCKNAME "Local\cn.kaohe.desktop.instance"
!define UNINSTKEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\${APPKEY}"

Name "${APPNAME} ${VERSION}"
OutFile "${OUTFILE}"
InstallDir "$LOCALAPPDATA\Programs\Kaohe"
InstallDirRegKey HKCU "${UNINSTKEY}" "InstallLocation"
BrandingText "${APPNAME} ${VERSION}"

VIProductVersion "${VERSION}.${BUILD_NO}"
VIAddVersionKey /LANG=0 "ProductName" "${APPNAME} Kaohe"
VIAddVersionKey /LANG=0 "FileDescription" "${APPNAME} 安装程序 / Kaohe setup"
VIAddVersionKey /LANG=0 "CompanyName" "${COMPANY}"
VIAddVersionKey /LANG=0 "LegalCopyright" "${COMPANY}"
VIAddVersionKey /LANG=0 "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=0 "ProductVersion" "${VERSION}"

!define MUI_ICON "${ICON}"
!define MUI_UNICON "${ICON}"
!define MUI_ABORTWARNING
!define MUI_LANGDLL_ALLLANGUAGES
!define MUI_LANGDLL_REGISTRY_ROOT HKCU
!define MUI_LANGDLL_REGISTRY_KEY "Software\${APPKEY}"
!define MUI_LANGDLL_REGISTRY_VALUENAME "InstallerLanguage"
!define MUI_FINISHPAGE_RUN "$INSTDIR\kaohe.exe"

!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES

; The first language is the default one.
!insertmacro MUI_LANGUAGE "SimpChinese"
!insertmacro MUI_LANGUAGE "English"
!insertmacro MUI_RESERVEFILE_LANGDLL

LangString Running ${LANG_SIMPCHINESE} "${APPNAME}正在运行。请先关闭它，然后点击“重试”。"
LangString Running ${LANG_ENGLISH} "Kaohe is running. Please close it, then click Retry."
LangString StillRunning ${LANG_SIMPCHINESE} "${APPNAME}仍在运行，安装已取消。"
LangString StillRunning ${LANG_ENGLISH} "Kaohe is still running; setup was cancelled."
LangString InUse ${LANG_SIMPCHINESE} "$INSTDIR\kaohe.exe 正被使用，无法替换：请关闭${APPNAME}及其命令行程序后重新安装。"
LangString InUse ${LANG_ENGLISH} "$INSTDIR\kaohe.exe is in use and cannot be replaced: close Kaohe and its command-line runs, then install again."
LangString KeptData ${LANG_SIMPCHINESE} "数据保留在 $LOCALAPPDATA\kaohe。"
LangString KeptData ${LANG_ENGLISH} "Your data is kept in $LOCALAPPDATA\kaohe."

Var Update
Var RestartArgs ; after " -- " on the command line, as they were quoted
Var WaitTries ; half-seconds a silent run waits for the app

; WaitClosed: the app's single-instance lock. Silent: wait up to 30 s, or
; /WAIT (the updater starts us just before the app exits). Otherwise ask.
!macro WaitClosed un
Function ${un}WaitClosed
  StrCpy $1 0
  ${Do}
    System::Call 'kernel32::OpenMutexW(i 0x00100000, i 0, w "${LOCKNAME}") p .r0'
    ${If} $0 P= 0
      Return
    ${EndIf}
    System::Call 'kernel32::CloseHandle(p r0)'
    ${If} ${Silent}
      IntOp $1 $1 + 1
      ${If} $1 > $WaitTries
        SetErrorLevel 2
        Quit
      ${EndIf}
      Sleep 500
    ${Else}
      MessageBox MB_RETRYCANCEL|MB_ICONEXCLAMATION "$(Running)" IDRETRY +3
      MessageBox MB_OK|MB_ICONSTOP "$(StillRunning)"
      Quit
    ${EndIf}
  ${Loop}
FunctionEnd
!macroend
!insertmacro WaitClosed ""
!insertmacro WaitClosed "un."

Function .onInit
  ${GetParameters} $R0
  ClearErrors
  ${GetOptions} $R0 "/UPDATE" $R1
  ${IfNot} ${Errors}
    StrCpy $Update 1
    ${StrStr} $RestartArgs $R0 " -- "
    StrCpy $RestartArgs $RestartArgs "" 4
  ${EndIf}
  StrCpy $WaitTries 60
  ClearErrors
  ${GetOptions} $R0 "/WAIT=" $R1
  ${IfNot} ${Errors}
    IntOp $WaitTries $R1 * 2
  ${EndIf}
  ${IfNot} ${Silent}
    !insertmacro MUI_LANGDLL_DISPLAY
  ${EndIf}
  Call WaitClosed
FunctionEnd

Section "Kaohe" SecMain
  SetShellVarContext current
  SetOutPath "$INSTDIR"
  ; An upgrade overwrites in place; the data folder is elsewhere. Windows
  ; refuses to overwrite a program that still runs: the app releases its
  ; lock a moment before its process ends, and a command of it (a scheduled
  ; kaohe sync) holds no lock at all. A silent run tries again for as long
  ; as it waits for the app, then fails with exit code 3 (the old version
  ; stays, and /UPDATE starts it again); a run with pages asks NSIS's own
  ; Abort/Retry/Ignore, and Ignore ends the same way.
  StrCpy $1 0
  ${Do}
    ClearErrors
    File "/oname=kaohe.exe" "${EXE}"
    ${IfNot} ${Errors}
      ${Break}
    ${EndIf}
    IntOp $1 $1 + 1
    ${If} $1 > $WaitTries
    ${OrIfNot} ${Silent}
      DetailPrint "$(InUse)"
      ${If} $Update == 1
        Exec '"$INSTDIR\kaohe.exe" $RestartArgs'
      ${EndIf}
      SetErrorLevel 3
      Quit
    ${EndIf}
    Sleep 500
  ${Loop}
  WriteUninstaller "$INSTDIR\uninstall.exe"

  CreateShortCut "$SMPROGRAMS\${APPNAME}.lnk" "$INSTDIR\kaohe.exe" "" "$INSTDIR\kaohe.exe" 0
  CreateShortCut "$DESKTOP\${APPNAME}.lnk" "$INSTDIR\kaohe.exe" "" "$INSTDIR\kaohe.exe" 0

  WriteRegStr HKCU "${UNINSTKEY}" "DisplayName" "${APPNAME}"
  WriteRegStr HKCU "${UNINSTKEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${UNINSTKEY}" "Publisher" "${COMPANY}"
  WriteRegStr HKCU "${UNINSTKEY}" "DisplayIcon" "$INSTDIR\kaohe.exe,0"
  WriteRegStr HKCU "${UNINSTKEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${UNINSTKEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr HKCU "${UNINSTKEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  WriteRegDWORD HKCU "${UNINSTKEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINSTKEY}" "NoRepair" 1
  ${GetSize} "$INSTDIR" "/S=0K" $0 $1 $2
  IntFmt $0 "0x%08X" $0
  WriteRegDWORD HKCU "${UNINSTKEY}" "EstimatedSize" "$0"

  ${If} $Update == 1
    Exec '"$INSTDIR\kaohe.exe" $RestartArgs'
  ${EndIf}
SectionEnd

Function un.onInit
  !insertmacro MUI_UNGETLANGUAGE
  StrCpy $WaitTries 60
  Call un.WaitClosed
FunctionEnd

Section "Uninstall"
  SetShellVarContext current
  Delete "$SMPROGRAMS\${APPNAME}.lnk"
  Delete "$DESKTOP\${APPNAME}.lnk"
  Delete "$INSTDIR\kaohe.exe"
  Delete "$INSTDIR\kaohe.exe.old"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"
  DeleteRegKey HKCU "${UNINSTKEY}"
  DeleteRegKey HKCU "Software\${APPKEY}"
  DetailPrint "$(KeptData)"
SectionEnd
