namespace Gateway.Protocol.Cluster;

/// <summary>Marker of every Gateway.Protocol message that crosses the wire or goes into the journal; bound to the gateway serializer in HOCON.</summary>
public interface IGatewayMessage;
