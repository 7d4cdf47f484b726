; Fairfields Desktop: the Windows installer (Inno Setup 6.3 or later) around the PyInstaller one-folder build.
;
; One command, from the repository root, builds dist\fairfields\ and then this installer:
;     powershell -ExecutionPolicy Bypass -File packaging\windows\build.ps1
; Or, with dist\fairfields\ already built:
;     iscc /DAppVersion=0.1.0 packaging\windows\fairfields.iss
; The result: dist\fairfields-VERSION-windows-x64-setup.exe
;
; Installing is per machine, into Program Files, so the installer needs an administrator
; (PrivilegesRequired=admin). The app itself never needs administrator rights to run: the program
; folder is only read; each person's database, backups, logs and settings live in their own profile
; (%LOCALAPPDATA%\Fairfields\Fairfields Desktop), and the database key in their own Windows Credential
; Manager. So the "launch now" box at the end starts it as the signed-in user, not as the administrator.
;
; Paths below are relative to this file's folder (packaging\windows).

#ifndef AppVersion
  #define AppVersion "0.0.0"
#endif
#define AppName "Fairfields Desktop"
#define AppPublisher "Fairfields"
#define AppExe "FairfieldsDesktop.exe"
#define BundleDir "..\..\dist\fairfields"

[Setup]
; The AppId identifies the installation for upgrades and the uninstaller: never change it.
AppId={{B599DCBF-6466-4EDD-8C5E-AF625EA68E63}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher={#AppPublisher}
VersionInfoVersion={#AppVersion}
VersionInfoProductName={#AppName}
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
PrivilegesRequired=admin
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
SetupIconFile=..\icons\fairfields.ico
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName}
OutputDir=..\..\dist
OutputBaseFilename=fairfields-{#AppVersion}-windows-x64-setup
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
; An open Fairfields Desktop is asked to close before its files are replaced.
CloseApplications=yes
RestartApplications=no

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[InstallDelete]
; An upgrade replaces the whole library folder: no file of an older version is left behind in it.
Type: filesandordirs; Name: "{app}\_internal"

[Files]
; fairfields.exe (console: the command line), FairfieldsDesktop.exe (windowed: the menu entry), _internal (the rest)
Source: "{#BundleDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"; WorkingDir: "{app}"; Comment: "Coordinate the professionals who work with the school's pupils"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; WorkingDir: "{app}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent runasoriginaluser

[UninstallDelete]
; Only the program folder: the school's data in each person's profile is never touched.
Type: dirifempty; Name: "{app}"
