using Gateway.Protocol.Routing;
using Microsoft.AspNetCore.Http;

namespace Gateway.Actors.Forwarding;

/// <summary>A route's header add/remove lists, prepared once so each request only walks two arrays.</summary>
public sealed class CompiledHeaderTransforms
{
    private readonly string[] _remove;
    private readonly KeyValuePair<string, string>[] _set;

    /// <summary>Prepares <paramref name="transforms"/>.</summary>
    public CompiledHeaderTransforms(HeaderTransforms transforms)
    {
        _remove = transforms.Remove.IsDefault ? [] : transforms.Remove.ToArray();
        _set = transforms.Add.ToArray();
    }

    /// <summary>True when there is nothing to do.</summary>
    public bool IsEmpty => _remove.Length == 0 && _set.Length == 0;

    /// <summary>Applies to an outgoing request (content headers such as Content-Type go to its content).</summary>
    public void Apply(HttpRequestMessage request)
    {
        if (IsEmpty) return;
        foreach (var name in _remove)
        {
            if (!request.Headers.Remove(name)) request.Content?.Headers.Remove(name);
        }
        foreach (var (name, value) in _set)
        {
            request.Headers.Remove(name);
            if (!request.Headers.TryAddWithoutValidation(name, value) && request.Content is { } content)
            {
                content.Headers.Remove(name);
                content.Headers.TryAddWithoutValidation(name, value);
            }
        }
    }

    /// <summary>Applies to the response headers about to be sent to the client.</summary>
    public void Apply(IHeaderDictionary headers)
    {
        if (IsEmpty) return;
        foreach (var name in _remove) headers.Remove(name);
        foreach (var (name, value) in _set) headers[name] = value;
    }
}
