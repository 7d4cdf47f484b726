<#
.SYNOPSIS
  Build Fairfields Desktop for Windows in one command: the PyInstaller one-folder app, a smoke run of it,
  then the Inno Setup installer.

.DESCRIPTION
  From the repository root (any folder works; paths are taken from this script's place):

      powershell -ExecutionPolicy Bypass -File packaging\windows\build.ps1

  Needs Python 3.11 (the "py" launcher from python.org's installer) and Inno Setup 6.3 or later
  ("choco install innosetup -y", or its own installer). It makes .venv if there is none, installs the
  app and PyInstaller into it, and writes:
      dist\fairfields\                               the app (fairfields.exe, FairfieldsDesktop.exe, _internal\)
      dist\fairfields-VERSION-windows-x64-setup.exe  the installer
  -Python python    use that interpreter instead of .venv (the release workflow passes its own Python)
  -NoInstaller      stop after the app and its smoke run (no Inno Setup needed)
#>
param(
    [string]$Python = "",
    [switch]$NoInstaller
)
$ErrorActionPreference = "Stop"
Set-StrictMode -Version Latest

function Invoke-Checked {
    param([string]$What, [scriptblock]$Command)
    Write-Host "==> $What"
    & $Command
    if ($LASTEXITCODE -ne 0) { throw "$What failed (exit code $LASTEXITCODE)" }
}

$Root = (Resolve-Path (Join-Path $PSScriptRoot "..\..")).Path
Set-Location $Root
$Version = (Select-String -Path "fairfields_desktop\__init__.py" -Pattern '^__version__ = "(.+)"').Matches[0].Groups[1].Value
Write-Host "Fairfields Desktop $Version, in $Root"

if (-not $Python) {
    if (-not (Test-Path ".venv\Scripts\python.exe")) {
        Invoke-Checked "create .venv with Python 3.11" { py -3.11 -m venv .venv }
    }
    $Python = Join-Path $Root ".venv\Scripts\python.exe"
}
Invoke-Checked "install the app and PyInstaller" {
    & $Python -m pip install --disable-pip-version-check --quiet -e . "pyinstaller>=6.10,<7"
}
Invoke-Checked "build dist\fairfields with PyInstaller" {
    & $Python -m PyInstaller --noconfirm --clean --log-level WARN --distpath dist --workpath build\pyinstaller `
        packaging\fairfields.spec
}

# Smoke run, headless, in a throw-away home (the same checks as packaging/smoke.sh, in short).
$Exe = Join-Path $Root "dist\fairfields\fairfields.exe"
$Tmp = Join-Path ([System.IO.Path]::GetTempPath()) ("fairfields-smoke-" + [guid]::NewGuid())
New-Item -ItemType Directory -Path $Tmp | Out-Null
$saved = @{}
$smokeEnv = @{
    QT_QPA_PLATFORM = "offscreen"
    FAIRFIELDS_HOME = (Join-Path $Tmp "home")
    FAIRFIELDS_DB_KEY = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"  # a test key
    PYTHON_KEYRING_BACKEND = "keyring.backends.fail.Keyring"  # never the real Credential Manager
    FAIRFIELDS_PASSWORD = "demo-head-2026"
}
foreach ($name in $smokeEnv.Keys) {
    $saved[$name] = [Environment]::GetEnvironmentVariable($name)
    [Environment]::SetEnvironmentVariable($name, $smokeEnv[$name])
}
try {
    $printed = & $Exe --version
    if ($LASTEXITCODE -ne 0 -or $printed -ne "fairfields $Version") { throw "smoke: --version printed '$printed'" }
    Write-Host "smoke: ok   --version: $printed"
    $Db = "sqlite:///" + ((Join-Path $Tmp "s.db") -replace '\\', '/')
    Invoke-Checked "smoke: init --demo (migrations, SQLCipher, the demo school)" { & $Exe --db $Db init --demo }
    Invoke-Checked "smoke: --as hcarter due" { & $Exe --db $Db --as hcarter due | Out-Null }
    $Pdf = Join-Path $Tmp "checks.pdf"
    Invoke-Checked "smoke: report checks (ReportLab, DejaVu)" { & $Exe --db $Db --as hcarter report checks --out $Pdf }
    $Probe = Join-Path $Tmp "probe.txt"
    [Environment]::SetEnvironmentVariable("FAIRFIELDS_STARTUP_PROBE", $Probe)
    Invoke-Checked "smoke: gui --demo offscreen (startup probe)" { & $Exe gui --demo }
    [Environment]::SetEnvironmentVariable("FAIRFIELDS_STARTUP_PROBE", $null)
    if (-not (Test-Path $Probe) -or ((Get-Content $Probe).Split(" ")[1] -ne "1")) { throw "smoke: the window did not paint" }
    $logs = Get-ChildItem -Path (Join-Path $Tmp "home\logs") -Filter *.log -ErrorAction SilentlyContinue
    if ($logs -and (Select-String -Path $logs.FullName -Pattern "Traceback" -Quiet)) { throw "smoke: a traceback in the log" }
    Write-Host "smoke: the bundle works"
}
finally {
    foreach ($name in $saved.Keys) { [Environment]::SetEnvironmentVariable($name, $saved[$name]) }
    [Environment]::SetEnvironmentVariable("FAIRFIELDS_STARTUP_PROBE", $null)
    Remove-Item -Recurse -Force $Tmp -ErrorAction SilentlyContinue
}

if ($NoInstaller) { return }
$Iscc = (Get-Command iscc.exe -ErrorAction SilentlyContinue | Select-Object -First 1 -ExpandProperty Source)
if (-not $Iscc) {
    foreach ($candidate in @("${env:ProgramFiles(x86)}\Inno Setup 6\ISCC.exe", "$env:ProgramFiles\Inno Setup 6\ISCC.exe",
                             "$env:LOCALAPPDATA\Programs\Inno Setup 6\ISCC.exe")) {
        if ($candidate -and (Test-Path $candidate)) { $Iscc = $candidate; break }
    }
}
if (-not $Iscc) { throw "Inno Setup 6 (ISCC.exe) was not found: choco install innosetup -y, then run this again" }
Invoke-Checked "build the installer with Inno Setup" { & $Iscc /Qp "/DAppVersion=$Version" packaging\windows\fairfields.iss }
Write-Host "Done: dist\fairfields-$Version-windows-x64-setup.exe"
