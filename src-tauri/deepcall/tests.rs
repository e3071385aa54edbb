//! The client's rules without a server: addresses, answers, redirects.

use super::envelope::read_success;
use super::*;

#[test]
fn base_url_rules() {
    assert_eq!(
        BaseUrl::parse("v4-api.deepcall.com").unwrap().as_str(),
        "https://v4-api.deepcall.com"
    );
    assert_eq!(
        BaseUrl::parse(" https://brand.example/ ").unwrap().as_str(),
        "https://brand.example"
    );
    assert_eq!(
        BaseUrl::parse("https://brand.example/prefix/")
            .unwrap()
            .as_str(),
        "https://brand.example/prefix"
    );
    for ok in [
        "http://127.0.0.1:9",
        "http://localhost:8080",
        "http://[::1]:80",
    ] {
        assert!(BaseUrl::parse(ok).is_ok(), "{ok}");
    }
    assert!(matches!(
        BaseUrl::parse("http://v4-api.deepcall.com"),
        Err(DeepCallError::InsecureAddress { .. })
    ));
    assert!(matches!(
        BaseUrl::parse("http://192.168.1.5"),
        Err(DeepCallError::InsecureAddress { .. })
    ));
    for bad in [
        "",
        "ftp://x.example",
        "https://u:p@x.example",
        "https://x.example/?a=1",
    ] {
        assert!(
            matches!(
                BaseUrl::parse(bad),
                Err(DeepCallError::InvalidAddress { .. })
            ),
            "{bad}"
        );
    }
}

#[test]
fn envelope_status_decides_not_http() {
    let err = parse_envelope(
        Module::Group,
        200,
        br#"{"status":"error","message":"Group not found or not authorized","code":1503}"#,
    )
    .unwrap_err();
    assert_eq!(err.api_kind(), Some(ApiErrorKind::GroupNotFound));
    let ok = parse_envelope(
        Module::Directory,
        200,
        br#"{"message":"Directory successfully updated","status":"success","code":200}"#,
    );
    assert!(ok.is_ok());
    // An error object with a non-2xx status is still DeepCall's error.
    let err = parse_envelope(
        Module::Directory,
        400,
        br#"{"status":"error","code":"1012","message":"No data found"}"#,
    )
    .unwrap_err();
    assert_eq!(err.api_kind(), Some(ApiErrorKind::ContactNotFound));
}

#[test]
fn hostile_bodies_are_typed_errors() {
    let cases: [(u16, &[u8]); 7] = [
        (502, b"<html><body>502 Bad Gateway</body></html>"),
        (200, b"<html>proxy login</html>"),
        (200, b""),
        (200, br#"{"status":"succ"#),
        (200, b"[1,2,3]"),
        (200, br#"{"code":200}"#),
        (503, b""),
    ];
    for (status, body) in cases {
        let err = parse_envelope(Module::Group, status, body).unwrap_err();
        assert!(
            matches!(
                err,
                DeepCallError::HttpStatus { .. } | DeepCallError::NotDeepCall { .. }
            ),
            "{status} {:?} -> {err:?}",
            String::from_utf8_lossy(body)
        );
    }
}

#[test]
fn too_many_requests_is_said_by_the_status_whatever_the_body() {
    let json = br#"{"status":"error","message":"Too Many Requests","code":429}"#;
    let html = b"<html><head><title>429 Too Many Requests</title></head></html>";
    let success = br#"{"status":"success","code":200,"response":{"groupData":{"unique_id":1},"relationData":[]}}"#;
    for body in [json.as_slice(), html, b"", b"Too Many Requests", success] {
        let shown = String::from_utf8_lossy(body);
        assert_eq!(
            parse_envelope(Module::Directory, 429, body).unwrap_err(),
            DeepCallError::RateLimited { retry_after: None },
            "{shown}"
        );
        assert!(
            matches!(
                read_response::<group::RawGroupRelation>(Module::Group, 429, body),
                Err(DeepCallError::RateLimited { .. })
            ),
            "{shown}"
        );
    }
    // DeepCall's own error 429 says the same, whatever the HTTP status.
    assert_eq!(
        parse_envelope(Module::Directory, 200, json).unwrap_err(),
        DeepCallError::RateLimited { retry_after: None }
    );
    let e = DeepCallError::RateLimited { retry_after: None };
    assert!(e.is_retryable() && e.is_overload() && !e.may_have_been_applied());
}

#[test]
fn a_host_without_the_endpoint_is_told_from_deepcall_refusing() {
    for (status, body) in [
        (
            404,
            b"<html><body><h1>404 Not Found</h1></body></html>".as_slice(),
        ),
        (404, b""),
        (
            404,
            br#"{"status":"error","code":404,"message":"Not found"}"#,
        ),
        (405, b"Method Not Allowed"),
        (501, br#"{"error":"not implemented"}"#),
    ] {
        let e = parse_envelope(Module::Directory, status, body).unwrap_err();
        assert_eq!(e, DeepCallError::NotOffered { status }, "{status}");
        assert!(!e.is_retryable() && !e.may_have_been_applied());
    }
    // DeepCall's own "no data found", sent with HTTP 404, is DeepCall's.
    let e = parse_envelope(
        Module::Directory,
        404,
        br#"{"status":"error","code":1012,"message":"No data found"}"#,
    )
    .unwrap_err();
    assert_eq!(e.api_kind(), Some(ApiErrorKind::ContactNotFound));
    // A gateway's 503 page is still "may have been applied".
    let e = parse_envelope(Module::Directory, 503, b"<html>503</html>").unwrap_err();
    assert!(e.may_have_been_applied() && e.is_overload());
}

/// `read_response` is `parse_envelope` then `response_as`, result for
/// result and error for error; the fast pass takes only the success
/// answers it reads exactly as they would.
#[test]
fn read_response_is_the_value_path() {
    use group::RawGroupRelation;
    let good = r#"{"groupData":{"name":"G","unique_id":"5","agents":null},"agentData":[{"name":"a","unique_id":1,"extra":{"x":[1.5,"\u00e9"]}}],"relationData":[{"group_id":5,"agent_id":"1","receive_call":"y","more":null}]}"#;
    let success =
        |response: &str| format!(r#"{{"status":" Success ","code":200,"response":{response}}}"#);
    let fast: Vec<Vec<u8>> = vec![
        success(good).into_bytes(),
        format!(r#"{{"response":{good},"status":"success"}} "#).into_bytes(),
    ];
    let slow: Vec<Vec<u8>> = vec![
        // Not a success, or no response that reads as the type.
        br#"{"status":"error","message":"Group not found or not authorized","code":1503}"#.to_vec(),
        format!(r#"{{"status":"error","code":"1503","response":{good}}}"#).into_bytes(),
        format!(r#"{{"status":1,"response":{good}}}"#).into_bytes(),
        format!(r#"{{"response":{good}}}"#).into_bytes(),
        br#"{"status":"success"}"#.to_vec(),
        success("null").into_bytes(),
        success(r#"{"groupData":{"unique_id":5},"relationData":[{"agent_id":1,"receive_call":"maybe"}]}"#).into_bytes(),
        success(r#"{"groupData":{"unique_id":"x"},"relationData":[]}"#).into_bytes(),
        success(r#"{"relationData":[]}"#).into_bytes(),
        // A key twice: the Value keeps the last one.
        format!(r#"{{"status":"success","response":{{"groupData":{{"unique_id":1}},"relationData":[]}},"response":{good}}}"#).into_bytes(),
        format!(r#"{{"status":"error","status":"success","response":{good}}}"#).into_bytes(),
        success(r#"{"groupData":{"unique_id":1,"unique_id":2},"relationData":[]}"#).into_bytes(),
        // Not JSON, or JSON the Value refuses in a part nobody reads.
        format!(r#"["success",{good}]"#).into_bytes(),
        format!("{} x", success(good)).into_bytes(),
        success(good).as_bytes()[..40].to_vec(),
        [success(good).as_bytes(), b"\n<html>"].concat(),
        success(&good.replace("\"more\":null", "\"more\":\"\\udc00\"")).into_bytes(),
        success(&good.replace("\"more\":null", "\"more\":-1e999")).into_bytes(),
        [b"{\"junk\":\"\xfe\",".as_slice(), &success(good).as_bytes()[1..]].concat(),
        b"<html>proxy login</html>".to_vec(),
        b"".to_vec(),
    ];
    for (bytes, fast_pass) in fast
        .iter()
        .map(|b| (b, true))
        .chain(slow.iter().map(|b| (b, false)))
    {
        let shown = String::from_utf8_lossy(bytes);
        assert_eq!(
            read_success::<RawGroupRelation>(bytes).is_some(),
            fast_pass,
            "{shown}"
        );
        for status in [200, 502] {
            let read = read_response::<RawGroupRelation>(Module::Group, status, bytes)
                .map(|r| r.map(RawGroupRelation::join));
            let value = parse_envelope(Module::Group, status, bytes)
                .map(|answer| response_as::<RawGroupRelation>(answer).map(RawGroupRelation::join));
            assert_eq!(
                format!("{read:?}"),
                format!("{value:?}"),
                "{status} {shown}"
            );
        }
    }
}
