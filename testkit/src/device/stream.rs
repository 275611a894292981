//! Answers as the device reads them: bodies decompressed as they arrive (brotli or gzip,
//! as a browser accepts them over HTTPS), and a pull stream
//! (`POST /api/sync/pull-stream`) cut into its frames — a 4-byte big-endian length, then
//! a page in the request's wire version — as the app's reader (`app/src/api.rs`,
//! `PullStream`) does.

use std::io::Write;
use std::time::{Duration, Instant};

use brotli::DecompressorWriter;
use flate2::write::GzDecoder;
use reqwest::Response;
use strada_shared::sync::{PullResponse, WireVersion, decode_as};

use super::DeviceError;

/// The encodings of those a browser accepts over HTTPS, where the app runs, that the
/// server offers.
pub(super) const ACCEPT_ENCODING: &str = "gzip, br";

/// An answer's body, decoded piece by piece as it arrives.
pub(super) enum Body {
    /// Sent as is.
    Plain,
    /// Sent gzipped (`content-encoding: gzip`): the decoder holds what it has inflated.
    Gzip(Box<GzDecoder<Vec<u8>>>),
    /// Sent in brotli (`content-encoding: br`): the decoder holds what it has inflated.
    Brotli(Box<DecompressorWriter<Vec<u8>>>),
}

impl Body {
    /// The decoding an answer's `content-encoding` asks for.
    pub(super) fn of(res: &Response) -> Body {
        match res.headers().get("content-encoding").map(|v| v.as_bytes()) {
            Some(b"gzip") => Body::Gzip(Box::new(GzDecoder::new(Vec::new()))),
            Some(b"br") => Body::Brotli(Box::new(DecompressorWriter::new(Vec::new(), 64 * 1024))),
            _ => Body::Plain,
        }
    }

    /// Decodes `piece` onto the end of `out`.
    pub(super) fn feed(&mut self, piece: &[u8], out: &mut Vec<u8>) -> Result<(), DeviceError> {
        match self {
            Body::Plain => out.extend_from_slice(piece),
            Body::Gzip(d) => {
                d.write_all(piece).map_err(inflate)?;
                out.append(d.get_mut());
            }
            Body::Brotli(d) => {
                d.write_all(piece).map_err(inflate)?;
                out.append(d.get_mut());
            }
        }
        Ok(())
    }

    /// Checks the body ended whole, and puts what remained onto `out`.
    pub(super) fn finish(&mut self, out: &mut Vec<u8>) -> Result<(), DeviceError> {
        match self {
            Body::Plain => {}
            Body::Gzip(d) => {
                d.try_finish().map_err(inflate)?;
                out.append(d.get_mut());
            }
            Body::Brotli(d) => {
                d.close().map_err(inflate)?;
                out.append(d.get_mut());
            }
        }
        Ok(())
    }
}

fn inflate(e: std::io::Error) -> DeviceError {
    DeviceError::Decode(format!("decompressing: {e}"))
}

/// An open pull stream.
pub(super) struct PullStream {
    res: Response,
    body: Body,
    /// Decoded bytes not yet cut into pages.
    buf: Vec<u8>,
    version: WireVersion,
    ended: bool,
    /// The cursor its next page starts from: a pull from another cursor opens another
    /// stream.
    pub(super) at: u64,
}

impl PullStream {
    /// Reads `res`, the answer to a pull stream from `cursor` in `version`.
    pub(super) fn new(res: Response, version: WireVersion, cursor: u64) -> PullStream {
        PullStream {
            body: Body::of(&res),
            res,
            buf: Vec::new(),
            version,
            ended: false,
            at: cursor,
        }
    }

    /// The next page, or `None` once the server ended the stream (the last page said
    /// whether more remain). The time spent inflating and decoding is added to `cpu`.
    pub(super) async fn next(
        &mut self,
        cpu: &mut Duration,
    ) -> Result<Option<PullResponse>, DeviceError> {
        loop {
            if self.buf.len() >= 4 {
                let len = u32::from_be_bytes([self.buf[0], self.buf[1], self.buf[2], self.buf[3]])
                    as usize;
                if self.buf.len() >= 4 + len {
                    let t = Instant::now();
                    let page: PullResponse = decode_as(self.version, &self.buf[4..4 + len])
                        .map_err(|e| DeviceError::Decode(e.to_string()))?;
                    self.buf.drain(..4 + len);
                    *cpu += t.elapsed();
                    self.at = page.cursor;
                    return Ok(Some(page));
                }
            }
            if self.ended {
                return if self.buf.is_empty() {
                    Ok(None)
                } else {
                    Err(DeviceError::Decode("the stream ended inside a page".into()))
                };
            }
            let piece = self.res.chunk().await?;
            let t = Instant::now();
            match piece {
                Some(piece) => self.body.feed(&piece, &mut self.buf)?,
                None => {
                    self.body.finish(&mut self.buf)?;
                    self.ended = true;
                }
            }
            *cpu += t.elapsed();
        }
    }

    /// Reads the stream to its end, which must follow: the connection then serves the
    /// device's next request.
    pub(super) async fn finish(mut self, cpu: &mut Duration) -> Result<(), DeviceError> {
        match self.next(cpu).await? {
            None => Ok(()),
            Some(_) => Err(DeviceError::Decode(
                "a page after the one that ended the feed".into(),
            )),
        }
    }
}
