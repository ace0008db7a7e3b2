//! Removing metadata from image files without re-encoding them: EXIF (GPS
//! position, camera serial numbers, owner names), XMP and IPTC blocks go;
//! pixels and colour profiles stay exactly as they were.

/// A JPEG without its APP1 (EXIF, XMP) and APP13 (IPTC) segments, nor any
/// comment. Returns `None` if the structure is not a well-formed JPEG.
pub fn strip_jpeg(bytes: &[u8]) -> Option<Vec<u8>> {
    if !bytes.starts_with(&[0xFF, 0xD8]) {
        return None;
    }
    let mut out = Vec::with_capacity(bytes.len());
    out.extend_from_slice(&bytes[..2]);
    let mut at = 2;
    loop {
        if bytes.get(at) != Some(&0xFF) {
            return None;
        }
        let marker = *bytes.get(at + 1)?;
        // Start of scan: the entropy-coded data and the rest go as they are.
        if marker == 0xDA {
            out.extend_from_slice(&bytes[at..]);
            return Some(out);
        }
        if marker == 0xFF {
            at += 1;
            continue;
        }
        let len = usize::from(u16::from_be_bytes([*bytes.get(at + 2)?, *bytes.get(at + 3)?]));
        let end = at.checked_add(2 + len)?;
        let segment = bytes.get(at..end)?;
        let drop = matches!(marker, 0xE1 | 0xED | 0xFE)
            || (0xE3..=0xEC).contains(&marker)
            || marker == 0xEE
            || marker == 0xEF;
        if !drop {
            out.extend_from_slice(segment);
        }
        at = end;
    }
}

/// True when a JPEG has its end-of-image marker after the start of its scan
/// data. Decoders fill in a truncated file silently; this does not.
pub fn jpeg_is_complete(bytes: &[u8]) -> bool {
    let Some(scan) = bytes.windows(2).position(|w| w == [0xFF, 0xDA]) else {
        return false;
    };
    // Inside entropy-coded data a 0xFF byte is always followed by 0x00 or a
    // restart marker, so 0xFF 0xD9 there can only be the end of the image.
    bytes[scan..].windows(2).any(|w| w == [0xFF, 0xD9])
}

/// A PNG without its text, time and EXIF chunks.
pub fn strip_png(bytes: &[u8]) -> Option<Vec<u8>> {
    const SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";
    if !bytes.starts_with(SIGNATURE) {
        return None;
    }
    let mut out = Vec::with_capacity(bytes.len());
    out.extend_from_slice(SIGNATURE);
    let mut at = SIGNATURE.len();
    while at < bytes.len() {
        let len = usize::try_from(u32::from_be_bytes(bytes.get(at..at + 4)?.try_into().ok()?)).ok()?;
        let kind = bytes.get(at + 4..at + 8)?;
        let end = at.checked_add(12 + len)?;
        let chunk = bytes.get(at..end)?;
        if !matches!(kind, b"tEXt" | b"zTXt" | b"iTXt" | b"tIME" | b"eXIf") {
            out.extend_from_slice(chunk);
        }
        at = end;
        if kind == b"IEND" {
            break;
        }
    }
    Some(out)
}

/// A WebP without its EXIF and XMP chunks (and their flags cleared).
pub fn strip_webp(bytes: &[u8]) -> Option<Vec<u8>> {
    if bytes.len() < 12 || &bytes[..4] != b"RIFF" || &bytes[8..12] != b"WEBP" {
        return None;
    }
    let mut chunks = Vec::with_capacity(bytes.len());
    let mut at = 12;
    while at + 8 <= bytes.len() {
        let kind = &bytes[at..at + 4];
        let len = usize::try_from(u32::from_le_bytes(bytes[at + 4..at + 8].try_into().ok()?)).ok()?;
        let end = at.checked_add(8 + len + (len & 1))?.min(bytes.len());
        let mut chunk = bytes.get(at..end)?.to_vec();
        if kind == b"VP8X" && chunk.len() > 8 {
            // Flags: clear "has EXIF" (bit 3) and "has XMP" (bit 2).
            chunk[8] &= !0b0000_1100;
        }
        if !matches!(kind, b"EXIF" | b"XMP ") {
            chunks.extend_from_slice(&chunk);
        }
        at = end;
    }
    let size = u32::try_from(chunks.len() + 4).ok()?;
    let mut out = Vec::with_capacity(chunks.len() + 12);
    out.extend_from_slice(b"RIFF");
    out.extend_from_slice(&size.to_le_bytes());
    out.extend_from_slice(b"WEBP");
    out.extend_from_slice(&chunks);
    Some(out)
}

/// The IPTC caption (2:120) and credit (2:110, else by-line 2:80) of a JPEG,
/// from its Photoshop APP13 segment.
pub fn jpeg_iptc(bytes: &[u8]) -> (Option<String>, Option<String>) {
    let Some(block) = app13(bytes) else {
        return (None, None);
    };
    let (mut caption, mut credit, mut byline) = (None, None, None);
    let mut at = 0;
    while at + 5 <= block.len() {
        if block[at] != 0x1C {
            at += 1;
            continue;
        }
        let (record, dataset) = (block[at + 1], block[at + 2]);
        let len = usize::from(u16::from_be_bytes([block[at + 3], block[at + 4]]));
        let Some(value) = block.get(at + 5..at + 5 + len) else {
            break;
        };
        let text = String::from_utf8_lossy(value).trim().to_owned();
        if record == 2 && !text.is_empty() {
            match dataset {
                120 => caption = Some(text),
                110 => credit = Some(text),
                80 => byline = Some(text),
                _ => {}
            }
        }
        at += 5 + len;
    }
    (caption, credit.or(byline))
}

/// The IPTC-NAA resource (8BIM 0x0404) of a JPEG's APP13 segment.
fn app13(bytes: &[u8]) -> Option<&[u8]> {
    let mut at = 2;
    while bytes.get(at) == Some(&0xFF) {
        let marker = *bytes.get(at + 1)?;
        if marker == 0xDA {
            return None;
        }
        let len = usize::from(u16::from_be_bytes([*bytes.get(at + 2)?, *bytes.get(at + 3)?]));
        let segment = bytes.get(at + 4..at + 2 + len)?;
        if marker == 0xED && segment.starts_with(b"Photoshop 3.0\0") {
            let mut r = 14;
            while r + 12 <= segment.len() && &segment[r..r + 4] == b"8BIM" {
                let id = u16::from_be_bytes([segment[r + 4], segment[r + 5]]);
                let name_len = usize::from(segment[r + 6]);
                let name_total = (1 + name_len + 1) & !1;
                let size_at = r + 6 + name_total;
                let size = usize::try_from(u32::from_be_bytes(
                    segment.get(size_at..size_at + 4)?.try_into().ok()?,
                ))
                .ok()?;
                let data = segment.get(size_at + 4..size_at + 4 + size)?;
                if id == 0x0404 {
                    return Some(data);
                }
                r = size_at + 4 + size + (size & 1);
            }
        }
        at += 2 + len;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jpeg_with(segments: &[(u8, &[u8])]) -> Vec<u8> {
        let mut out = vec![0xFF, 0xD8];
        for (marker, data) in segments {
            out.extend_from_slice(&[0xFF, *marker]);
            out.extend_from_slice(&u16::try_from(data.len() + 2).unwrap().to_be_bytes());
            out.extend_from_slice(data);
        }
        out.extend_from_slice(&[0xFF, 0xDA, 0x00, 0x02, 1, 2, 3, 0xFF, 0xD9]);
        out
    }

    #[test]
    fn jpeg_loses_exif_and_iptc_keeps_the_rest() {
        let jpeg = jpeg_with(&[
            (0xE0, b"JFIF\0"),
            (0xE1, b"Exif\0\0GPS"),
            (0xE2, b"ICC_PROFILE"),
            (0xED, b"Photoshop"),
            (0xFE, b"comment"),
        ]);
        let stripped = strip_jpeg(&jpeg).unwrap();
        assert_eq!(stripped, jpeg_with(&[(0xE0, b"JFIF\0"), (0xE2, b"ICC_PROFILE")]));
        assert!(strip_jpeg(b"not a jpeg").is_none());
        assert!(strip_jpeg(&jpeg[..9]).is_none(), "truncated");
        assert!(jpeg_is_complete(&jpeg));
        assert!(!jpeg_is_complete(&jpeg[..jpeg.len() - 2]));
    }

    #[test]
    fn reads_iptc_caption_and_credit() {
        let mut iptc = Vec::new();
        for (dataset, text) in [(120u8, "Le ministre et le chef de mission"), (110, "AMAP")] {
            iptc.extend_from_slice(&[0x1C, 2, dataset]);
            iptc.extend_from_slice(&u16::try_from(text.len()).unwrap().to_be_bytes());
            iptc.extend_from_slice(text.as_bytes());
        }
        let mut resource = b"Photoshop 3.0\0".to_vec();
        resource.extend_from_slice(b"8BIM\x04\x04\0\0");
        resource.extend_from_slice(&u32::try_from(iptc.len()).unwrap().to_be_bytes());
        resource.extend_from_slice(&iptc);
        let jpeg = jpeg_with(&[(0xED, &resource)]);
        assert_eq!(
            jpeg_iptc(&jpeg),
            (
                Some("Le ministre et le chef de mission".into()),
                Some("AMAP".into())
            )
        );
        assert_eq!(jpeg_iptc(&jpeg_with(&[])), (None, None));
    }
}
