//! Checking uploads and making renditions. The type of a file is read from
//! its bytes; its dimensions are checked before any pixel is decoded, so a
//! decompression bomb is refused without being expanded.

use std::io::Cursor;

use image::metadata::Orientation;
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};

use super::metadata;

/// The formats the library accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Jpeg,
    Png,
    Webp,
    Gif,
}

impl Format {
    pub fn extension(self) -> &'static str {
        match self {
            Format::Jpeg => "jpg",
            Format::Png => "png",
            Format::Webp => "webp",
            Format::Gif => "gif",
        }
    }

    pub fn mime(self) -> &'static str {
        match self {
            Format::Jpeg => "image/jpeg",
            Format::Png => "image/png",
            Format::Webp => "image/webp",
            Format::Gif => "image/gif",
        }
    }

    pub fn from_extension(ext: &str) -> Option<Self> {
        match ext {
            "jpg" => Some(Format::Jpeg),
            "png" => Some(Format::Png),
            "webp" => Some(Format::Webp),
            "gif" => Some(Format::Gif),
            _ => None,
        }
    }

    fn of(bytes: &[u8]) -> Option<Self> {
        match image::guess_format(bytes).ok()? {
            ImageFormat::Jpeg => Some(Format::Jpeg),
            ImageFormat::Png => Some(Format::Png),
            ImageFormat::WebP => Some(Format::Webp),
            ImageFormat::Gif => Some(Format::Gif),
            _ => None,
        }
    }

    fn image_format(self) -> ImageFormat {
        match self {
            Format::Jpeg => ImageFormat::Jpeg,
            Format::Png => ImageFormat::Png,
            Format::Webp => ImageFormat::WebP,
            Format::Gif => ImageFormat::Gif,
        }
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ImageError {
    #[error("the file is not a JPEG, PNG, WebP or GIF image")]
    Unsupported,
    #[error("the image is damaged or truncated")]
    Corrupt,
    #[error("the image is {width}×{height} pixels; at most {max} megapixels are accepted")]
    TooManyPixels { width: u32, height: u32, max: u64 },
}

/// Largest image accepted, in pixels: far above any camera's, far below
/// what would exhaust memory once decoded.
pub const MAX_PIXELS: u64 = 100_000_000;
const MAX_SIDE: u32 = 30_000;

/// An upload made ready to store: metadata removed, orientation applied.
#[derive(Debug)]
pub struct Prepared {
    pub bytes: Vec<u8>,
    pub format: Format,
    pub width: u32,
    pub height: u32,
    /// From the file's IPTC or EXIF, for forms left blank.
    pub caption: Option<String>,
    pub credit: Option<String>,
}

fn limits() -> Limits {
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_PIXELS * 4 + 64 * 1024 * 1024);
    limits
}

fn decoder(bytes: &[u8], format: Format) -> Result<impl ImageDecoder + '_, ImageError> {
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format.image_format());
    reader.limits(limits());
    let decoder = reader.into_decoder().map_err(|e| match e {
        image::ImageError::Limits(_) => ImageError::TooManyPixels {
            width: 0,
            height: 0,
            max: MAX_PIXELS / 1_000_000,
        },
        _ => ImageError::Corrupt,
    })?;
    let (width, height) = decoder.dimensions();
    if u64::from(width) * u64::from(height) > MAX_PIXELS || width == 0 || height == 0 {
        return Err(ImageError::TooManyPixels {
            width,
            height,
            max: MAX_PIXELS / 1_000_000,
        });
    }
    Ok(decoder)
}

/// The EXIF description and artist (or copyright), when present.
fn exif_text(raw: &[u8]) -> (Option<String>, Option<String>) {
    let Ok(exif) = exif::Reader::new().read_raw(raw.to_vec()) else {
        return (None, None);
    };
    let text = |tag| {
        exif.get_field(tag, exif::In::PRIMARY)
            .and_then(|f| match &f.value {
                exif::Value::Ascii(parts) => parts
                    .iter()
                    .map(|p| String::from_utf8_lossy(p).trim().to_owned())
                    .find(|s| !s.is_empty()),
                _ => None,
            })
    };
    (
        text(exif::Tag::ImageDescription),
        text(exif::Tag::Artist).or_else(|| text(exif::Tag::Copyright)),
    )
}

/// Checks an upload and makes the file that will be served.
pub fn prepare(upload: &[u8]) -> Result<Prepared, ImageError> {
    let format = Format::of(upload).ok_or(ImageError::Unsupported)?;
    if format == Format::Jpeg && !metadata::jpeg_is_complete(upload) {
        return Err(ImageError::Corrupt);
    }
    let mut decoder = decoder(upload, format)?;
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    let exif = decoder.exif_metadata().ok().flatten();
    let (mut caption, mut credit) = exif.as_deref().map(exif_text).unwrap_or_default();
    if format == Format::Jpeg {
        let (iptc_caption, iptc_credit) = metadata::jpeg_iptc(upload);
        caption = iptc_caption.or(caption);
        credit = iptc_credit.or(credit);
    }
    // Decoding it whole is the only proof the file is not truncated.
    let mut image = DynamicImage::from_decoder(decoder).map_err(|_| ImageError::Corrupt)?;
    let bytes = if orientation == Orientation::NoTransforms {
        match format {
            Format::Jpeg => metadata::strip_jpeg(upload),
            Format::Png => metadata::strip_png(upload),
            Format::Webp => metadata::strip_webp(upload),
            Format::Gif => Some(upload.to_vec()),
        }
        .ok_or(ImageError::Corrupt)?
    } else {
        image.apply_orientation(orientation);
        encode(&image, format)?
    };
    Ok(Prepared {
        bytes,
        format,
        width: image.width(),
        height: image.height(),
        caption,
        credit,
    })
}

fn encode(image: &DynamicImage, format: Format) -> Result<Vec<u8>, ImageError> {
    let mut out = Cursor::new(Vec::new());
    let written = match format {
        Format::Jpeg => {
            let encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 85);
            image.to_rgb8().write_with_encoder(encoder)
        }
        Format::Webp => image.to_rgba8().write_to(&mut out, ImageFormat::WebP),
        Format::Png | Format::Gif => image.write_to(&mut out, ImageFormat::Png),
    };
    written.map_err(|_| ImageError::Corrupt)?;
    Ok(out.into_inner())
}

/// The widths renditions are made at.
pub const RENDITION_WIDTHS: [u32; 4] = [320, 640, 1024, 1600];

/// The format a rendition of a `source` file is served in: JPEG stays JPEG
/// (lossless WebP would be larger), PNG becomes lossless WebP when the client
/// takes it, GIF is served as PNG.
pub fn rendition_format(source: Format, accepts_webp: bool) -> Format {
    match source {
        Format::Jpeg => Format::Jpeg,
        Format::Png | Format::Gif if accepts_webp => Format::Webp,
        Format::Png | Format::Gif => Format::Png,
        Format::Webp => Format::Webp,
    }
}

/// `stored` scaled down to `width`, in `format`.
pub fn rendition(stored: &[u8], source: Format, width: u32, format: Format) -> Result<Vec<u8>, ImageError> {
    let image = DynamicImage::from_decoder(decoder(stored, source)?).map_err(|_| ImageError::Corrupt)?;
    let height = (u64::from(image.height()) * u64::from(width) / u64::from(image.width().max(1))).max(1);
    let resized = image.resize_exact(
        width,
        u32::try_from(height).unwrap_or(u32::MAX),
        image::imageops::FilterType::CatmullRom,
    );
    encode(&resized, format)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(width: u32, height: u32) -> Vec<u8> {
        let image = image::RgbImage::from_fn(width, height, |x, y| image::Rgb([x as u8, y as u8, 128]));
        let mut out = Cursor::new(Vec::new());
        image.write_to(&mut out, ImageFormat::Png).unwrap();
        out.into_inner()
    }

    #[test]
    fn accepts_real_images_by_their_bytes() {
        let prepared = prepare(&png(40, 30)).unwrap();
        assert_eq!(
            (prepared.format, prepared.width, prepared.height),
            (Format::Png, 40, 30)
        );
    }

    #[test]
    fn refuses_what_is_not_an_image_or_is_broken() {
        assert_eq!(
            prepare(b"<svg xmlns='http://www.w3.org/2000/svg'/>").unwrap_err(),
            ImageError::Unsupported
        );
        let whole = png(64, 64);
        assert_eq!(
            prepare(&whole[..whole.len() / 2]).unwrap_err(),
            ImageError::Corrupt
        );
    }

    #[test]
    fn makes_renditions_at_the_asked_width() {
        let stored = prepare(&png(800, 400)).unwrap().bytes;
        let small = rendition(&stored, Format::Png, 320, Format::Webp).unwrap();
        let decoded = image::load_from_memory(&small).unwrap();
        assert_eq!((decoded.width(), decoded.height()), (320, 160));
    }
}
