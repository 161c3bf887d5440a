namespace Gateway.Protocol.Ops;

/// <summary>Exit codes of ops commands, which <c>pbm</c> exits with.</summary>
public static class OpsExitCodes
{
    /// <summary>The command did what was asked.</summary>
    public const int Ok = 0;

    /// <summary>The command ran but failed (unknown member or route, refused connection, timeout).</summary>
    public const int Failed = 1;

    /// <summary>The request was wrong: unknown command, bad arguments, missing host.</summary>
    public const int Usage = 2;

    /// <summary><c>gateway config diff --exit-code</c>: the file and the cluster differ.</summary>
    public const int Different = 4;
}
