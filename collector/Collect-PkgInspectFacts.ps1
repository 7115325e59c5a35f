<#
.SYNOPSIS
    Print the pkginspect machine facts of this Windows machine as JSON (or write them with -OutFile).

.DESCRIPTION
    Reads only local state: the registry, CIM and services. It makes no network calls and changes nothing.
    Runs on Windows PowerShell 5.1 and PowerShell 7. Run it elevated: Secure Boot state needs administrator
    rights (unelevated, secure_boot comes out null). A fact that cannot be read is written as null, which
    pkginspect treats as unknown.

    Where each fact comes from (registry values are written key\value, as in pkginspect's hotpatch notes):

    name               -Name, else $env:COMPUTERNAME.
    product            CurrentBuildNumber and InstallationType (HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion):
                       server 14393 -> windows-server-2016, 17763 -> windows-server-2019, 20348 -> windows-server-2022,
                       25398 -> windows-server-23h2, 26100 -> windows-server-2025; client builds below 22000 ->
                       windows-10, 22000 and later -> windows-11. Azure Stack HCI / Azure Local hosts (ProductName)
                       -> null.
    edition            EditionID (same key), e.g. ServerTurbineCor, ServerDatacenter, Enterprise.
    build              CurrentBuildNumber + "." + UBR (same key), e.g. 20348.2402.
    architecture       $env:PROCESSOR_ARCHITEW6432 (a 32-bit PowerShell on 64-bit Windows), else
                       $env:PROCESSOR_ARCHITECTURE: AMD64 -> amd64, ARM64 -> arm64, anything else -> null.
    installation       InstallationType (same key): "Server Core" -> core, "Server" or "Client" -> desktop.
    hotpatch_enrolled  server: the enrolment package
                         HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion\Update\TargetingInfo\DynamicInstalled\Hotpatch.amd64
                         (Hotpatch.arm64 on Arm64) with Name = "Hotpatch Enrollment Package", or
                         HKLM\SYSTEM\CurrentControlSet\Control\Session Manager\Memory Management\HotPatchTableSize <> 0;
                       client: HKLM\SOFTWARE\Microsoft\PolicyManager\current\device\Update\AllowRebootlessUpdates = 1
                       (the Intune "apply without restarting (hotpatch)" policy). true when a sign is there, else false.
    vbs                Win32_DeviceGuard.VirtualizationBasedSecurityStatus (CIM namespace
                       root\Microsoft\Windows\DeviceGuard): 2 -> running, 1 -> enabled (configured, not running),
                       0 -> off; class missing -> null.
    secure_boot        Confirm-SecureBootUEFI: true/false; "not supported on this platform" (BIOS firmware) -> false;
                       access denied (not elevated) -> the registry value
                       HKLM\SYSTEM\CurrentControlSet\Control\SecureBoot\State\UEFISecureBootEnabled, else null.
    vm_generation      firmware type, HKLM\SYSTEM\CurrentControlSet\Control\PEFirmwareType (2 = UEFI, 1 = BIOS), else
                       $env:firmware_type: UEFI -> 2 (a Hyper-V Generation 2 VM; for physical machines and other
                       hypervisors 2 stands for UEFI firmware), BIOS/Legacy -> 1, else null.
    chpe_disabled      HKLM\SYSTEM\CurrentControlSet\Control\Session Manager\Memory Management\HotPatchRestrictions = 1
                       -> true (Arm64 CHPE turned off for hotpatching; takes effect after a restart), else false.
    reboot_pending     true when any of these exists: the key
                         HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\Component Based Servicing\RebootPending,
                       the key
                         HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\WindowsUpdate\Auto Update\RebootRequired,
                       a non-empty value
                         HKLM\SYSTEM\CurrentControlSet\Control\Session Manager\PendingFileRenameOperations.
    platform           -Platform if given (use it for azure-local: an Azure Local guest looks like any Arc machine);
                       else the Azure guest agent service WindowsAzureGuestAgent -> azure; the Azure Arc agent
                       service himds -> arc; else other. (No Azure instance metadata call: no network.)

.PARAMETER OutFile
    Write the JSON to this file (UTF-8 without BOM) instead of printing it.

.PARAMETER Name
    The machine name to record (default: $env:COMPUTERNAME).

.PARAMETER Platform
    Override the detected platform: azure, azure-local, arc or other.

.EXAMPLE
    .\Collect-PkgInspectFacts.ps1 -OutFile \\share\facts\$env:COMPUTERNAME.json

.EXAMPLE
    .\Collect-PkgInspectFacts.ps1 -Platform azure-local -OutFile hci-guest-01.json
    (then, on any OS: pkginspect check Windows10.0-KB5037848-x64.msu --machine hci-guest-01.json)
#>
[CmdletBinding()]
param(
    [string] $OutFile,
    [string] $Name = $env:COMPUTERNAME,
    [ValidateSet('azure', 'azure-local', 'arc', 'other')]
    [string] $Platform
)

Set-StrictMode -Version 2.0
$ErrorActionPreference = 'Stop'

$CurrentVersionKey = 'HKLM:\SOFTWARE\Microsoft\Windows NT\CurrentVersion'
$MemoryManagementKey = 'HKLM:\SYSTEM\CurrentControlSet\Control\Session Manager\Memory Management'
$SessionManagerKey = 'HKLM:\SYSTEM\CurrentControlSet\Control\Session Manager'
$HotpatchEnrollmentKey = 'HKLM:\SOFTWARE\Microsoft\Windows NT\CurrentVersion\Update\TargetingInfo\DynamicInstalled\Hotpatch.amd64'
$RebootlessPolicyKey = 'HKLM:\SOFTWARE\Microsoft\PolicyManager\current\device\Update'
$CbsRebootPendingKey = 'HKLM:\SOFTWARE\Microsoft\Windows\CurrentVersion\Component Based Servicing\RebootPending'
$WuRebootRequiredKey = 'HKLM:\SOFTWARE\Microsoft\Windows\CurrentVersion\WindowsUpdate\Auto Update\RebootRequired'
$SecureBootStateKey = 'HKLM:\SYSTEM\CurrentControlSet\Control\SecureBoot\State'
$ControlKey = 'HKLM:\SYSTEM\CurrentControlSet\Control'

function Open-RegistryKey {
    # An HKLM:\ key opened read-only through the 64-bit registry view (so that a 32-bit PowerShell on 64-bit
    # Windows reads the real values, not the WOW6432Node copies), or $null when it is missing or unreadable.
    param([string] $Path)
    try {
        $view = [Microsoft.Win32.RegistryView]::Registry64
        $base = [Microsoft.Win32.RegistryKey]::OpenBaseKey([Microsoft.Win32.RegistryHive]::LocalMachine, $view)
        return $base.OpenSubKey(($Path -replace '^HKLM:\\', ''))
    } catch {
        return $null
    }
}

function Get-RegistryValue {
    # The value, or $null when the key or the value is missing or unreadable.
    param([string] $Path, [string] $ValueName)
    $key = Open-RegistryKey -Path $Path
    if ($null -eq $key) { return $null }
    try {
        return $key.GetValue($ValueName)
    } catch {
        return $null
    } finally {
        $key.Close()
    }
}

function ConvertTo-Number {
    # A registry number as [int64], or $null when it is missing or not a number (e.g. a binary value).
    param($Value)
    if ($null -eq $Value) { return $null }
    try {
        return [int64]$Value
    } catch {
        return $null
    }
}

function Test-RegistryKey {
    param([string] $Path)
    $key = Open-RegistryKey -Path $Path
    if ($null -eq $key) { return $false }
    $key.Close()
    return $true
}

function Get-Architecture {
    $raw = $env:PROCESSOR_ARCHITEW6432
    if (-not $raw) { $raw = $env:PROCESSOR_ARCHITECTURE }
    switch ("$raw".ToUpperInvariant()) {
        'AMD64' { return 'amd64' }
        'ARM64' { return 'arm64' }
        default { return $null }
    }
}

function Get-Installation {
    param($InstallationType)
    switch ("$InstallationType") {
        'Server Core' { return 'core' }
        'Server' { return 'desktop' }
        'Client' { return 'desktop' }
        default { return $null }
    }
}

function Get-Product {
    param($BuildNumber, $InstallationType, $ProductName)
    if ($null -eq $BuildNumber) { return $null }
    if ("$ProductName" -match 'Azure Stack HCI|Azure Local') { return $null }
    $isServer = "$InstallationType" -like 'Server*'
    $isClient = "$InstallationType" -eq 'Client'
    if ($isServer) {
        switch ($BuildNumber) {
            14393 { return 'windows-server-2016' }
            17763 { return 'windows-server-2019' }
            20348 { return 'windows-server-2022' }
            25398 { return 'windows-server-23h2' }
            26100 { return 'windows-server-2025' }
            default { return $null }
        }
    }
    if ($isClient) {
        if ($BuildNumber -ge 22000) { return 'windows-11' }
        if ($BuildNumber -ge 10240) { return 'windows-10' }
    }
    return $null
}

function Get-HotpatchEnrolled {
    param([bool] $IsServer, $Architecture)
    if ($IsServer) {
        $keys = @($HotpatchEnrollmentKey)
        if ($Architecture -eq 'arm64') { $keys += ($HotpatchEnrollmentKey -replace 'Hotpatch\.amd64$', 'Hotpatch.arm64') }
        foreach ($key in $keys) {
            if ((Get-RegistryValue -Path $key -ValueName 'Name') -eq 'Hotpatch Enrollment Package') { return $true }
        }
        $tableSize = ConvertTo-Number (Get-RegistryValue -Path $MemoryManagementKey -ValueName 'HotPatchTableSize')
        if ($null -ne $tableSize -and $tableSize -ne 0) { return $true }
        return $false
    }
    $policy = ConvertTo-Number (Get-RegistryValue -Path $RebootlessPolicyKey -ValueName 'AllowRebootlessUpdates')
    return ($null -ne $policy -and $policy -eq 1)
}

function Get-Vbs {
    try {
        $guard = Get-CimInstance -Namespace 'root\Microsoft\Windows\DeviceGuard' -ClassName 'Win32_DeviceGuard' -ErrorAction Stop
    } catch {
        return $null
    }
    if ($null -eq $guard) { return $null }
    $status = $guard.VirtualizationBasedSecurityStatus
    if ($null -eq $status) { return $null }
    switch ([int]$status) {
        2 { return 'running' }
        1 { return 'enabled' }
        0 { return 'off' }
        default { return $null }
    }
}

function Get-SecureBoot {
    try {
        return [bool](Confirm-SecureBootUEFI -ErrorAction Stop)
    } catch [System.PlatformNotSupportedException] {
        # "Cmdlet not supported on this platform": BIOS firmware, so no Secure Boot.
        return $false
    } catch {
        # Access denied (not elevated) or the cmdlet is missing: fall back to the registry's record.
        $state = ConvertTo-Number (Get-RegistryValue -Path $SecureBootStateKey -ValueName 'UEFISecureBootEnabled')
        if ($null -eq $state) { return $null }
        return ($state -eq 1)
    }
}

function Get-VmGeneration {
    $firmware = ConvertTo-Number (Get-RegistryValue -Path $ControlKey -ValueName 'PEFirmwareType')
    if ($firmware -eq 2) { return 2 }
    if ($firmware -eq 1) { return 1 }
    switch ("$env:firmware_type") {
        'UEFI' { return 2 }
        'Legacy' { return 1 }
        'BIOS' { return 1 }
        default { return $null }
    }
}

function Get-RebootPending {
    if (Test-RegistryKey -Path $CbsRebootPendingKey) { return $true }
    if (Test-RegistryKey -Path $WuRebootRequiredKey) { return $true }
    $renames = Get-RegistryValue -Path $SessionManagerKey -ValueName 'PendingFileRenameOperations'
    if ($null -ne $renames -and @($renames | Where-Object { $_ }).Count -gt 0) { return $true }
    return $false
}

function Get-Platform {
    if ($Platform) { return $Platform }
    if (Get-Service -Name 'WindowsAzureGuestAgent' -ErrorAction SilentlyContinue) { return 'azure' }
    if (Get-Service -Name 'himds' -ErrorAction SilentlyContinue) { return 'arc' }
    return 'other'
}

$buildText = Get-RegistryValue -Path $CurrentVersionKey -ValueName 'CurrentBuildNumber'
$ubr = ConvertTo-Number (Get-RegistryValue -Path $CurrentVersionKey -ValueName 'UBR')
$installationType = Get-RegistryValue -Path $CurrentVersionKey -ValueName 'InstallationType'
$productName = Get-RegistryValue -Path $CurrentVersionKey -ValueName 'ProductName'
$buildNumber = $null
if ("$buildText" -match '^\d+$') { $buildNumber = [int]$buildText }
$build = $null
if ($null -ne $buildNumber -and $null -ne $ubr) { $build = '{0}.{1}' -f $buildNumber, $ubr }
$architecture = Get-Architecture
$isServer = "$installationType" -like 'Server*'
$restrictions = ConvertTo-Number (Get-RegistryValue -Path $MemoryManagementKey -ValueName 'HotPatchRestrictions')
$edition = Get-RegistryValue -Path $CurrentVersionKey -ValueName 'EditionID'

# Exactly the facts of pkginspect's Machine, in its order; $null is written as null (unknown).
$facts = [ordered]@{
    name = $Name
    product = Get-Product -BuildNumber $buildNumber -InstallationType $installationType -ProductName $productName
    edition = $edition
    build = $build
    architecture = $architecture
    installation = Get-Installation -InstallationType $installationType
    hotpatch_enrolled = Get-HotpatchEnrolled -IsServer $isServer -Architecture $architecture
    vbs = Get-Vbs
    secure_boot = Get-SecureBoot
    vm_generation = Get-VmGeneration
    chpe_disabled = ($restrictions -eq 1)
    reboot_pending = Get-RebootPending
    platform = Get-Platform
}

$json = $facts | ConvertTo-Json -Depth 2
if ($OutFile) {
    $target = $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($OutFile)
    [System.IO.File]::WriteAllText($target, $json + [Environment]::NewLine, (New-Object System.Text.UTF8Encoding($false)))
} else {
    Write-Output $json
}
