using WarmCgi.Cgi;

namespace WarmCgi.Pipeline;

/// <summary>
/// A chunked request body has no length, but RFC 3875 4.2 wants CONTENT_LENGTH whenever a body
/// is sent (git push sends chunked bodies; git-http-backend needs the length). So it is read
/// first: into memory up to a threshold, then into an unlinked temp file.
/// </summary>
internal static class BodySpooler
{
    public readonly record struct Spooled(Stream? Body, long Length, CgiError Error);

    public static async Task<Spooled> SpoolAsync(Stream body, long? limit, int memoryThreshold, CancellationToken cancellationToken)
    {
        Stream spool = new MemoryStream();
        long total = 0;
        var buffer = new byte[64 * 1024];
        try
        {
            int n;
            while ((n = await body.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
            {
                total += n;
                if (total > limit)
                {
                    await spool.DisposeAsync().ConfigureAwait(false);
                    return new Spooled(null, total, CgiError.BodyTooLarge);
                }
                if (spool is MemoryStream memory && total > memoryThreshold)
                {
                    spool = await MoveToTempFileAsync(memory, cancellationToken).ConfigureAwait(false);
                }
                await spool.WriteAsync(buffer.AsMemory(0, n), cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            await spool.DisposeAsync().ConfigureAwait(false);
            return new Spooled(null, total, CgiError.ClientGone);
        }
        catch (IOException)
        {
            // Kestrel reports a body over its own limit, or a broken chunked encoding, as an IOException.
            await spool.DisposeAsync().ConfigureAwait(false);
            return new Spooled(null, total, total >= limit ? CgiError.BodyTooLarge : CgiError.BadRequest);
        }
        spool.Position = 0;
        return new Spooled(spool, total, CgiError.None);
    }

    private static async Task<Stream> MoveToTempFileAsync(MemoryStream memory, CancellationToken cancellationToken)
    {
        // Mode 0600: an upload (a password, a git push) is nobody else's business.
        var file = new FileStream(Path.Combine(Path.GetTempPath(), "warmcgi-body-" + Guid.NewGuid().ToString("N")), new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.ReadWrite,
            Share = FileShare.None,
            BufferSize = 64 * 1024,
            Options = FileOptions.DeleteOnClose | FileOptions.Asynchronous,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        });
        memory.Position = 0;
        await memory.CopyToAsync(file, cancellationToken).ConfigureAwait(false);
        return file;
    }
}
