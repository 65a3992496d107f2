using Microsoft.Extensions.Options;

namespace WarmCgi.Configuration;

/// <summary>Checks options before anything starts; every message names the key at fault.</summary>
public sealed class WarmCgiOptionsValidator : IValidateOptions<WarmCgiOptions>
{
    public ValidateOptionsResult Validate(string? name, WarmCgiOptions options)
    {
        var errors = new List<string>();
        if (options.Timeout <= 0)
        {
            errors.Add($"Timeout: must be a positive number of seconds, not {options.Timeout}");
        }
        if (options.MaxProcesses < 1)
        {
            errors.Add($"MaxProcesses: must be at least 1, not {options.MaxProcesses}");
        }
        if (options.QueueLimit < 0)
        {
            errors.Add($"QueueLimit: must not be negative, not {options.QueueLimit}");
        }
        if (options.MaxRequestBodySize < 0)
        {
            errors.Add("MaxRequestBodySize: must be 0 (unlimited) or a positive number of bytes");
        }
        if (options.DocumentRoot is not null && !Directory.Exists(options.DocumentRoot))
        {
            errors.Add($"DocumentRoot: directory '{options.DocumentRoot}' does not exist");
        }
        foreach (var listen in options.Listen)
        {
            if (!ListenAddress.TryParse(listen, out _))
            {
                errors.Add($"Listen: '{listen}' is not ADDR:PORT");
            }
        }
        for (int i = 0; i < options.Mappings.Count; i++)
        {
            var m = options.Mappings[i];
            string key = $"Mappings:{i}";
            if (string.IsNullOrWhiteSpace(m.Prefix))
            {
                errors.Add($"{key}:Prefix: is required (for example /cgi-bin)");
            }
            if (string.IsNullOrWhiteSpace(m.Path))
            {
                errors.Add($"{key}:Path: is required");
            }
            else if (!Directory.Exists(m.Path) && !File.Exists(m.Path))
            {
                errors.Add($"{key}:Path: '{m.Path}' does not exist");
            }
            if (m.Timeout is <= 0)
            {
                errors.Add($"{key}:Timeout: must be a positive number of seconds");
            }
        }
        var warm = options.Warm;
        if (warm.MaxWorkers < 1)
        {
            errors.Add("Warm:MaxWorkers: must be at least 1");
        }
        if (warm.MinWorkers < 0 || warm.MinWorkers > warm.MaxWorkers)
        {
            errors.Add("Warm:MinWorkers: must be between 0 and Warm:MaxWorkers");
        }
        if (warm.MaxRequests < 0 || warm.MaxRequestsJitter < 0 || warm.MaxMemoryMb < 0 || warm.QueueLimit < 0)
        {
            errors.Add("Warm: MaxRequests, MaxRequestsJitter, MaxMemoryMb and QueueLimit must not be negative");
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
