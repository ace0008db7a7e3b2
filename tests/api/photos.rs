//! The photo library: uploads, metadata, renditions, safe storage.

use std::io::Cursor;

use actix_web::http::Method;
use depeche::auth::Role;
use image::{DynamicImage, ImageFormat, RgbImage};
use serde_json::{Value, json};

use crate::helpers::{Backend, PUBLIC_URL, Response, TestApp};

fn picture(width: u32, height: u32) -> DynamicImage {
    DynamicImage::ImageRgb8(RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(x * 7 % 256) as u8, (y * 5 % 256) as u8, ((x + y) % 256) as u8])
    }))
}

pub fn encoded(width: u32, height: u32, format: ImageFormat) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    let image = picture(width, height);
    match format {
        ImageFormat::Jpeg => image.to_rgb8().write_to(&mut out, format).unwrap(),
        _ => image.to_rgba8().write_to(&mut out, format).unwrap(),
    }
    out.into_inner()
}

/// A JPEG carrying EXIF: orientation 6 (rotate 90° clockwise), a description,
/// an artist and a GPS position.
fn jpeg_with_exif(width: u32, height: u32) -> Vec<u8> {
    use exif::{Field, In, Tag, Value as V};
    let fields = [
        Field {
            tag: Tag::Orientation,
            ifd_num: In::PRIMARY,
            value: V::Short(vec![6]),
        },
        Field {
            tag: Tag::ImageDescription,
            ifd_num: In::PRIMARY,
            value: V::Ascii(vec![b"Conventions paraphees".to_vec()]),
        },
        Field {
            tag: Tag::Artist,
            ifd_num: In::PRIMARY,
            value: V::Ascii(vec![b"AMAP".to_vec()]),
        },
        Field {
            tag: Tag::GPSLatitudeRef,
            ifd_num: In::PRIMARY,
            value: V::Ascii(vec![b"N".to_vec()]),
        },
        Field {
            tag: Tag::GPSLatitude,
            ifd_num: In::PRIMARY,
            value: V::Rational(vec![(12, 1).into(), (39, 1).into(), (0, 1).into()]),
        },
    ];
    let mut writer = exif::experimental::Writer::new();
    for field in &fields {
        writer.push_field(field);
    }
    let mut tiff = Cursor::new(Vec::new());
    writer.write(&mut tiff, false).unwrap();
    let tiff = tiff.into_inner();
    let jpeg = encoded(width, height, ImageFormat::Jpeg);
    let mut app1 = b"Exif\0\0".to_vec();
    app1.extend_from_slice(&tiff);
    let mut out = jpeg[..2].to_vec();
    out.extend_from_slice(&[0xFF, 0xE1]);
    out.extend_from_slice(&u16::try_from(app1.len() + 2).unwrap().to_be_bytes());
    out.extend_from_slice(&app1);
    out.extend_from_slice(&jpeg[2..]);
    out
}

/// A PNG whose header claims 100,000 × 100,000 pixels.
fn png_bomb() -> Vec<u8> {
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut chunk = |kind: &[u8], data: &[u8]| {
        out.extend_from_slice(&u32::try_from(data.len()).unwrap().to_be_bytes());
        let mut body = kind.to_vec();
        body.extend_from_slice(data);
        out.extend_from_slice(&body);
        out.extend_from_slice(&crc32(&body).to_be_bytes());
    };
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&100_000u32.to_be_bytes());
    ihdr.extend_from_slice(&100_000u32.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    chunk(b"IHDR", &ihdr);
    chunk(b"IDAT", &[0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01]);
    chunk(b"IEND", &[]);
    out
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// A multipart/form-data body with `file` and text fields.
fn form(file: Option<(&str, &[u8])>, fields: &[(&str, &str)]) -> (String, Vec<u8>) {
    let boundary = format!("depeche{:x}", rand::random::<u64>());
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
                .as_bytes(),
        );
    }
    if let Some((filename, bytes)) = file {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\nContent-Type: image/jpeg\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

pub async fn upload(
    app: &TestApp,
    token: &str,
    file: Option<(&str, &[u8])>,
    fields: &[(&str, &str)],
) -> Response {
    let (content_type, body) = form(file, fields);
    let bearer = format!("Bearer {token}");
    app.raw(
        Method::POST,
        "/api/v1/photos",
        &[("authorization", &bearer), ("content-type", &content_type)],
        body,
    )
    .await
}

fn media_files(app: &TestApp) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(&app.media_dir)
        .map(|d| {
            d.map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

pub async fn uploads_are_checked_cleaned_and_served(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let writer = app.sign_in(Role::Writer).await;
    for (format, mime) in [
        (ImageFormat::Jpeg, "image/jpeg"),
        (ImageFormat::Png, "image/png"),
        (ImageFormat::WebP, "image/webp"),
        (ImageFormat::Gif, "image/gif"),
    ] {
        let bytes = encoded(120, 80, format);
        // The declared name and type are ignored: the bytes decide.
        let res = upload(
            &app,
            &writer,
            Some(("photo.bin", &bytes)),
            &[("caption", "Une légende"), ("alt", "Texte")],
        )
        .await;
        let photo = res.expect(201);
        assert_eq!(photo["mime_type"], mime);
        assert_eq!(
            (photo["width"].as_i64(), photo["height"].as_i64()),
            (Some(120), Some(80))
        );
        assert_eq!(photo["caption"], "Une légende");
        assert_eq!(
            res.header("location"),
            Some(format!("{PUBLIC_URL}/api/v1/photos/{}", photo["id"]).as_str())
        );
        let file = app.follow(photo["url"].as_str().unwrap()).await;
        assert_eq!(file.status, 200);
        assert_eq!(file.header("content-type"), Some(mime));
        assert_eq!(file.body.len() as i64, photo["byte_size"].as_i64().unwrap());
    }

    // EXIF: orientation applied, caption and credit prefilled, GPS gone.
    let res = upload(&app, &writer, Some(("gps.jpg", &jpeg_with_exif(60, 30))), &[]).await;
    let photo = res.expect(201);
    assert_eq!(
        (photo["width"].as_i64(), photo["height"].as_i64()),
        (Some(30), Some(60)),
        "rotated upright"
    );
    assert_eq!(photo["caption"], "Conventions paraphees");
    assert_eq!(photo["credit"], "AMAP");
    let served = app.follow(photo["url"].as_str().unwrap()).await.body;
    assert!(
        exif::Reader::new()
            .read_from_container(&mut Cursor::new(&served[..]))
            .is_err(),
        "no EXIF left"
    );
    let decoded = image::load_from_memory(&served).unwrap();
    assert_eq!((decoded.width(), decoded.height()), (30, 60));
    // What the form says wins over the file's metadata.
    let res = upload(
        &app,
        &writer,
        Some(("gps.jpg", &jpeg_with_exif(60, 30))),
        &[("caption", "Choisie")],
    )
    .await;
    assert_eq!(res.expect(201)["caption"], "Choisie");

    let list = app.get("/api/v1/photos?q=conventions").await.ok_json();
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
    let all = app.get("/api/v1/photos?limit=2").await.ok_json();
    assert!(all["next_cursor"].is_string());
}

pub async fn bad_files_leave_nothing_behind(backend: Backend) {
    let app = TestApp::spawn_with(backend, &[("DEPECHE_MAX_UPLOAD_BYTES", "200000")]).await;
    let writer = app.sign_in(Role::Writer).await;
    let jpeg = encoded(200, 200, ImageFormat::Jpeg);
    let big = encoded(1500, 1500, ImageFormat::Png);
    assert!(big.len() > 200_000);
    let cases: Vec<(&str, Vec<u8>, u16)> = vec![
        (
            "a text file named .jpg",
            b"Bonjour, ceci n'est pas une image.".to_vec(),
            415,
        ),
        (
            "an SVG",
            b"<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>".to_vec(),
            415,
        ),
        ("a truncated JPEG", jpeg[..jpeg.len() / 2].to_vec(), 400),
        ("a decompression bomb", png_bomb(), 400),
        ("a file over the limit", big, 413),
        ("an empty file", Vec::new(), 400),
    ];
    for (what, bytes, status) in cases {
        let res = upload(&app, &writer, Some(("photo.jpg", &bytes)), &[("caption", "x")]).await;
        let problem = res.problem(status);
        if status == 400 {
            assert_eq!(problem["errors"][0]["field"], "file", "{what}");
        }
    }
    let res = upload(&app, &writer, None, &[("caption", "sans fichier")]).await;
    assert_eq!(res.invalid_fields(), ["file"]);
    let res = upload(&app, &writer, Some(("p.jpg", &jpeg)), &[("focal_x", "2")]).await;
    assert_eq!(res.invalid_fields(), ["focal_x"]);
    let res = upload(&app, &writer, Some(("p.jpg", &jpeg)), &[("secret", "x")]).await;
    assert_eq!(res.invalid_fields(), ["secret"]);
    let anonymous = app
        .raw(
            Method::POST,
            "/api/v1/photos",
            &[("content-type", "multipart/form-data; boundary=x")],
            Vec::new(),
        )
        .await;
    anonymous.problem(401);

    assert!(
        media_files(&app).is_empty(),
        "files left behind: {:?}",
        media_files(&app)
    );
    assert_eq!(app.get("/api/v1/photos").await.ok_json()["items"], json!([]));
}

pub async fn duplicate_uploads_share_one_file(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let writer = app.sign_in(Role::Writer).await;
    let bytes = encoded(300, 200, ImageFormat::Jpeg);
    let uploads = (0..6).map(|_| upload(&app, &writer, Some(("same.jpg", &bytes)), &[]));
    let results = futures_util::future::join_all(uploads).await;
    let urls: Vec<Value> = results.iter().map(|r| r.expect(201)["url"].clone()).collect();
    assert!(urls.windows(2).all(|w| w[0] == w[1]), "{urls:?}");
    assert_eq!(media_files(&app).len(), 1, "{:?}", media_files(&app));
}

pub async fn renditions_are_made_once_and_negotiated(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let writer = app.sign_in(Role::Writer).await;
    let jpeg = upload(
        &app,
        &writer,
        Some(("a.jpg", &encoded(1200, 600, ImageFormat::Jpeg))),
        &[],
    )
    .await
    .expect(201);
    let widths: Vec<i64> = jpeg["renditions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["width"].as_i64().unwrap())
        .collect();
    assert_eq!(widths, [320, 640, 1024]);
    let url = jpeg["renditions"][1]["url"].as_str().unwrap();
    let small = app.follow(url).await;
    assert_eq!(small.status, 200);
    assert_eq!(small.header("content-type"), Some("image/jpeg"));
    assert_eq!(
        small.header("cache-control"),
        Some("public, max-age=31536000, immutable")
    );
    let decoded = image::load_from_memory(&small.body).unwrap();
    assert_eq!((decoded.width(), decoded.height()), (640, 320));
    let again = app.follow(url).await;
    assert_eq!(again.body, small.body, "made once, then served as stored");
    let files = media_files(&app).len();

    let png = upload(
        &app,
        &writer,
        Some(("b.png", &encoded(800, 800, ImageFormat::Png))),
        &[],
    )
    .await
    .expect(201);
    let path = format!(
        "{}?w=320",
        png["url"].as_str().unwrap().strip_prefix(PUBLIC_URL).unwrap()
    );
    let webp = app
        .request(Method::GET, &path, &[("accept", "image/avif,image/webp,*/*")])
        .await;
    assert_eq!(webp.header("content-type"), Some("image/webp"));
    assert!(webp.header("vary").is_some_and(|v| v.contains("Accept")));
    let plain = app.request(Method::GET, &path, &[("accept", "image/png")]).await;
    assert_eq!(plain.header("content-type"), Some("image/png"));
    assert_eq!(image::load_from_memory(&plain.body).unwrap().width(), 320);
    assert!(media_files(&app).len() > files);

    let original = png["url"]
        .as_str()
        .unwrap()
        .strip_prefix(PUBLIC_URL)
        .unwrap()
        .to_owned();
    app.get(&format!("{original}?w=1600")).await; // wider than the original: the original
    assert_eq!(
        app.get(&format!("{original}?w=1600")).await.body.len() as i64,
        png["byte_size"].as_i64().unwrap()
    );
    assert_eq!(
        app.get(&format!("{original}?w=500")).await.invalid_fields(),
        ["w"]
    );
    let range = app
        .request(Method::GET, &original, &[("range", "bytes=1-3")])
        .await;
    assert_eq!((range.status, &range.body[..]), (206, &b"PNG"[..]));
}

pub async fn photos_in_use_are_kept(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.load_demo();
    let writer = app.sign_in(Role::Writer).await;
    let other = app.sign_in(Role::Writer).await;
    let editor = app.sign_in(Role::Editor).await;
    let photo = upload(
        &app,
        &writer,
        Some(("a.jpg", &encoded(400, 300, ImageFormat::Jpeg))),
        &[("caption", "Avant")],
    )
    .await
    .expect(201);
    let (id, url) = (
        photo["id"].as_i64().unwrap(),
        photo["url"].as_str().unwrap().to_owned(),
    );
    let inline = upload(
        &app,
        &writer,
        Some(("b.png", &encoded(50, 50, ImageFormat::Png))),
        &[],
    )
    .await
    .expect(201);

    // Captions and focal points are edited by the uploader or an editor.
    let patch = json!({"caption": "Après", "focal_point": {"x": 0.25, "y": 0.75}});
    app.send(
        Method::PATCH,
        &format!("/api/v1/photos/{id}"),
        Some(&other),
        Some(patch.clone()),
    )
    .await
    .problem(403);
    let edited = app
        .send(
            Method::PATCH,
            &format!("/api/v1/photos/{id}"),
            Some(&writer),
            Some(patch),
        )
        .await
        .expect(200);
    assert_eq!(edited["caption"], "Après");
    assert_eq!(edited["focal_point"], json!({"x": 0.25, "y": 0.75}));
    let bad = app
        .send(
            Method::PATCH,
            &format!("/api/v1/photos/{id}"),
            Some(&writer),
            Some(json!({"focal_point": {"x": 3, "y": 0}})),
        )
        .await;
    assert_eq!(bad.invalid_fields(), ["focal_x"]);
    // A focal point is given whole: half of one, or a stray member, is refused.
    for (focal, field) in [
        (json!({"y": 0.5}), "focal_point"),
        (json!({"x": 0.5, "y": 0.5, "z": 1}), "focal_point.z"),
    ] {
        let res = app
            .send(
                Method::PATCH,
                &format!("/api/v1/photos/{id}"),
                Some(&writer),
                Some(json!({"focal_point": focal})),
            )
            .await;
        assert_eq!(res.invalid_fields(), [field], "{focal}");
    }

    // An article shows it as main photo and embeds the other in a figure.
    let body = format!(
        "<p>Texte</p><figure><img src=\"{}\" alt=\"Petit\"><figcaption>Petit</figcaption></figure>",
        inline["url"].as_str().unwrap()
    );
    let article = app
        .send(
            Method::POST,
            "/api/v1/articles",
            Some(&editor),
            Some(json!({"title": "Avec photos", "main_photo_id": id, "body_html": body})),
        )
        .await
        .expect(201);
    let article_id = article["id"].as_i64().unwrap();
    let ids: Vec<Value> = article["photos"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].clone())
        .collect();
    assert_eq!(ids, [json!(id), inline["id"].clone()]);
    assert_eq!(article["main_photo"]["caption"], "Après");

    let in_use = app
        .send(
            Method::DELETE,
            &format!("/api/v1/photos/{id}"),
            Some(&editor),
            None,
        )
        .await;
    assert!(
        in_use.problem(409)["detail"]
            .as_str()
            .unwrap()
            .contains(&article_id.to_string())
    );
    let embedded = app
        .send(
            Method::DELETE,
            &format!("/api/v1/photos/{}", inline["id"]),
            Some(&editor),
            None,
        )
        .await;
    embedded.problem(409);

    app.send(
        Method::PATCH,
        &format!("/api/v1/articles/{article_id}"),
        Some(&editor),
        Some(json!({"main_photo_id": null})),
    )
    .await
    .expect(200);
    app.send(
        Method::DELETE,
        &format!("/api/v1/photos/{id}"),
        Some(&other),
        None,
    )
    .await
    .problem(403);
    app.send(
        Method::DELETE,
        &format!("/api/v1/photos/{id}"),
        Some(&writer),
        None,
    )
    .await
    .expect(204);
    app.get(&format!("/api/v1/photos/{id}")).await.problem(404);
    assert_eq!(
        app.follow(&url).await.status,
        404,
        "the file went with its only photo"
    );

    // The demo article's photo, with its renditions.
    let demo = app.get("/api/v1/articles?section=politique").await.ok_json();
    let main = &demo["items"][0]["main_photo"];
    assert_eq!(main["renditions"].as_array().unwrap().len(), 3);
    assert_eq!(
        app.follow(main["renditions"][0]["url"].as_str().unwrap())
            .await
            .status,
        200
    );
}
