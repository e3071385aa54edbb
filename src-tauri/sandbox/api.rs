//! The sandbox's endpoints, as strict as the vendor's docs.

use std::collections::{HashMap, HashSet};

use serde_json::{json, Map, Value};

use super::docs;
use super::{Credentials, Data};

/// A DeepCall error answer.
struct Refusal {
    code: i64,
    message: String,
}

fn refuse(code: i64, message: impl Into<String>) -> Refusal {
    Refusal {
        code,
        message: message.into(),
    }
}

type Answer = Result<Value, Refusal>;

type Handler = fn(&mut Data, &Map<String, Value>) -> Answer;

/// Every endpoint the sandbox has (`Module/action`), with its handler.
const HANDLERS: [(&str, Handler); 5] = [
    ("Group/getGroupAgentRelation", group_agent_relation),
    ("Group/submitAssignGroupToAgent", submit_assign),
    ("Group/list", group_list),
    ("Directory/update", directory_update),
    ("Directory/getInfo", directory_get_info),
];

/// The endpoints the sandbox has (`Module/action`).
pub fn endpoints() -> impl Iterator<Item = &'static str> {
    HANDLERS.iter().map(|(name, _)| *name)
}

/// Answers one API call; `None` for an endpoint the sandbox does not know.
/// `creds` is `None` while the sign-in is revoked: every credential is
/// refused, as DeepCall refuses an expired token.
pub(crate) fn dispatch(
    data: &mut Data,
    creds: Option<&Credentials>,
    endpoint: &str,
    json: Option<Value>,
) -> Option<Value> {
    let (_, handler) = HANDLERS.iter().find(|(name, _)| *name == endpoint)?;
    let result = match json {
        Some(Value::Object(body)) => authenticate(creds, &body).and_then(|()| handler(data, &body)),
        // The body is read as JSON whatever the Content-Type said; anything
        // else is "invalid request data".
        _ => Err(refuse(1047, "Invalid request data")),
    };
    Some(match result {
        Ok(v) => v,
        Err(r) => json!({"status": "error", "message": r.message, "code": r.code}),
    })
}

fn present<'a>(body: &'a Map<String, Value>, key: &str) -> Option<&'a Value> {
    body.get(key).filter(|v| !v.is_null())
}

fn authenticate(creds: Option<&Credentials>, body: &Map<String, Value>) -> Result<(), Refusal> {
    let ssid = present(body, "ssid");
    let user = present(body, "userId").and_then(docs::text);
    let token = present(body, "token").and_then(docs::text);
    match (ssid, user, token, creds) {
        (Some(_), Some(_), _, _) | (Some(_), _, Some(_), _) => Err(refuse(
            1000,
            "Invalid parameters: send either ssid or userId and token",
        )),
        (Some(s), None, None, Some(c)) if s.as_str() == Some(c.ssid.as_str()) => Ok(()),
        (None, Some(u), Some(t), Some(c)) if u == c.user_id && t == c.token => Ok(()),
        _ => Err(refuse(1014, "Invalid token")),
    }
}

fn permission(data: &Data) -> Result<(), Refusal> {
    if data.agent_to_agent_call {
        Ok(())
    } else {
        Err(refuse(1015, "Permission denied"))
    }
}

/// `groupId`: 1502 when missing, 1000 when not a positive whole number,
/// 1503 when not the user's.
fn own_group_id(data: &Data, body: &Map<String, Value>, key: &str) -> Result<u64, Refusal> {
    let v = match present(body, key) {
        None => return Err(refuse(1502, "GroupId is required")),
        Some(Value::String(s)) if s.trim().is_empty() => {
            return Err(refuse(1502, "GroupId is required"))
        }
        Some(v) => v,
    };
    let id = docs::id(v).ok_or_else(|| refuse(1000, "Invalid parameters: groupId"))?;
    match data.groups.get(&id) {
        Some(g) if g.user_id == super::USER_ID => Ok(id),
        _ => Err(refuse(1503, "Group not found or not authorized")),
    }
}

fn group_agent_relation(data: &mut Data, body: &Map<String, Value>) -> Answer {
    permission(data)?;
    let id = own_group_id(data, body, "groupId")?;
    let quick = match present(body, "quick") {
        None => false,
        Some(Value::Bool(b)) => *b,
        Some(_) => return Err(refuse(1000, "Invalid parameters: quick")),
    };
    let g = &data.groups[&id];
    if let Some(name) = present(body, "name") {
        let name = name
            .as_str()
            .ok_or_else(|| refuse(1000, "Invalid parameters: name"))?;
        if !g.name.to_lowercase().contains(&name.to_lowercase()) {
            return Err(refuse(1503, "Group not found or not authorized"));
        }
    }
    // The first agent of each id names it (ids are unique in the sandbox).
    let mut names: HashMap<u64, &str> = HashMap::with_capacity(data.agents.len());
    for a in &data.agents {
        names.entry(a.id).or_insert(a.name.as_str());
    }
    let label = |agent: u64| {
        let name = names.get(&agent).copied().unwrap_or("");
        format!("#{agent} {name}").trim_end().to_owned()
    };
    let group_data = json!({
        "name": g.name,
        "user_id": g.user_id,
        "create_by": g.create_by,
        "unique_id": g.id,
        "status": g.status,
        "create_date": g.create_date,
        "agents": g.members.iter().map(|(a, _)| label(*a)).collect::<Vec<_>>(),
    });
    // The docs: `quick` must be true to receive the agent and relation data.
    let response = if quick {
        json!({
            "groupData": group_data,
            "agentData": data.agents.iter().map(|a| json!({
                "name": a.name, "unique_id": a.id, "user_id": super::USER_ID,
            })).collect::<Vec<_>>(),
            "relationData": g.members.iter().map(|(a, y)| json!({
                "group_id": g.id, "agent_id": a,
                "receive_call": if *y { "Y" } else { "N" }, "user_id": super::USER_ID,
            })).collect::<Vec<_>>(),
        })
    } else {
        json!({ "groupData": group_data })
    };
    Ok(json!({"status": "success", "response": response, "code": 200}))
}

fn id_list(body: &Map<String, Value>, key: &str) -> Result<Vec<u64>, Refusal> {
    let bad = || refuse(1000, format!("Invalid parameters: {key}"));
    let list = present(body, key)
        .and_then(Value::as_array)
        .ok_or_else(bad)?;
    let mut out = Vec::with_capacity(list.len());
    let mut seen = HashSet::with_capacity(list.len());
    for v in list {
        let id = docs::id(v).ok_or_else(bad)?;
        if !seen.insert(id) {
            return Err(bad());
        }
        out.push(id);
    }
    Ok(out)
}

fn submit_assign(data: &mut Data, body: &Map<String, Value>) -> Answer {
    permission(data)?;
    let id = own_group_id(data, body, "groupId")?;
    let members = id_list(body, "agent_unique_id")?;
    let receiving = id_list(body, "receive_call")?;
    let group = &data.groups[&id];
    let known: HashSet<u64> = (data.agents.iter().map(|x| x.id))
        .chain(group.members.iter().map(|(m, _)| *m))
        .collect();
    if let Some(a) = members.iter().find(|a| !known.contains(a)) {
        return Err(refuse(
            1000,
            format!("Invalid parameters: agent {a} not found"),
        ));
    }
    let member_set: HashSet<u64> = members.iter().copied().collect();
    if let Some(a) = receiving.iter().find(|a| !member_set.contains(a)) {
        return Err(refuse(
            1000,
            format!("Invalid parameters: agent {a} in receive_call is not in agent_unique_id"),
        ));
    }
    let receiving: HashSet<u64> = receiving.into_iter().collect();
    let new_members = members
        .iter()
        .map(|a| (*a, receiving.contains(a)))
        .collect();
    if let Some(g) = data.groups.get_mut(&id) {
        g.members = new_members;
    }
    Ok(
        json!({"status": "success", "message": "Agents assigned to group successfully", "code": 200}),
    )
}

fn group_list(data: &mut Data, body: &Map<String, Value>) -> Answer {
    if let Some(v) = present(body, "forward") {
        match v {
            Value::Bool(false) => permission(data)?,
            Value::Bool(true) => {}
            _ => return Err(refuse(1000, "Invalid parameters: forward")),
        }
    }
    let name = match present(body, "name") {
        None => None,
        Some(Value::String(s)) => Some(s.to_lowercase()),
        Some(_) => return Err(refuse(1000, "Invalid parameters: name")),
    };
    let only = match present(body, "groupid") {
        None => None,
        Some(v) => Some(docs::id(v).ok_or_else(|| refuse(1000, "Invalid parameters: groupid"))?),
    };
    let list: Vec<Value> = data
        .groups
        .values()
        .filter(|g| g.user_id == super::USER_ID)
        .filter(|g| only.is_none_or(|id| id == g.id))
        .filter(|g| {
            name.as_ref()
                .is_none_or(|n| g.name.to_lowercase().contains(n))
        })
        .map(|g| {
            json!({"unique_id": g.id, "name": g.name, "user_id": g.user_id,
                        "status": g.status, "create_date": g.create_date})
        })
        .collect();
    Ok(json!({"status": "success", "response": list, "code": 200}))
}

/// The number as the directory keys it, or 1005 / 1000.
fn contact_key(v: Option<&Value>) -> Result<String, Refusal> {
    let text = match v {
        None => return Err(refuse(1000, "Invalid parameters: contact is required")),
        Some(v) => docs::text(v).ok_or_else(|| refuse(1005, "Invalid contact number"))?,
    };
    let t = text.trim();
    let digits = t.strip_prefix('+').unwrap_or(t);
    if t.is_empty() {
        return Err(refuse(1000, "Invalid parameters: contact is required"));
    }
    if !(6..=15).contains(&digits.len()) || !digits.chars().all(|c| c.is_ascii_digit()) {
        return Err(refuse(1005, "Invalid contact number"));
    }
    Ok(digits.to_owned())
}

fn today() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    let (y, m, d) = civil_from_days(secs.div_euclid(86_400));
    format!("{d:02}-{m:02}-{y:04}")
}

/// Days since 1970-01-01 to (year, month, day); Howard Hinnant's algorithm.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

fn directory_update(data: &mut Data, body: &Map<String, Value>) -> Answer {
    let key = contact_key(present(body, "contact"))?;
    if !data.contacts.contains_key(&key) {
        return Err(refuse(1012, "No data found"));
    }
    let object = |k: &str| -> Result<Map<String, Value>, Refusal> {
        match present(body, k) {
            None => Ok(Map::new()),
            Some(Value::Object(o)) => Ok(o.clone()),
            Some(_) => Err(refuse(
                1000,
                format!("Invalid parameters: {k} must be an object"),
            )),
        }
    };
    let info = object("contactinfo")?;
    let other = object("other")?;

    // Check everything before changing anything.
    let invalid =
        |field: &str, why: &str| refuse(1000, format!("Invalid parameters: {field} {why}"));
    for (k, v) in &info {
        let known = docs::CONTACT_INFO_FIELDS.contains(&k.as_str())
            || data.custom_fields.iter().any(|f| f == k);
        if !known {
            return Err(invalid(
                &format!("contactinfo.{k}"),
                "is not a field of this account",
            ));
        }
        let Some(text) = v.as_str() else {
            return Err(invalid(&format!("contactinfo.{k}"), "must be a string"));
        };
        let valid = match k.as_str() {
            "name" => docs::valid_name(text),
            "email" => docs::valid_email(text),
            "dob" => docs::valid_date(text),
            _ => true,
        };
        if !valid {
            return Err(invalid(&format!("contactinfo.{k}"), "is not valid"));
        }
    }
    let mut other_norm = Map::new();
    for (k, v) in &other {
        let lower = k.to_ascii_lowercase();
        let ok = match lower.as_str() {
            "updatetime" | "lastcalltime" => v.as_str().is_some_and(docs::valid_date),
            "totalcalls" | "source" => docs::valid_count(v),
            "vip" | "blacklist" => v.is_boolean(),
            k if docs::is_dialer_key(k) => v.is_string() || v.is_number(),
            _ => {
                return Err(invalid(
                    &format!("other.{k}"),
                    "is not a field of this account",
                ))
            }
        };
        if !ok {
            return Err(invalid(&format!("other.{k}"), "is not valid"));
        }
        other_norm.insert(lower, v.clone());
    }

    let contact = data
        .contacts
        .get_mut(&key)
        .ok_or_else(|| refuse(1012, "No data found"))?;
    contact.contactinfo.extend(info);
    contact.other.extend(other_norm);
    // DeepCall sets the update time itself.
    contact
        .other
        .insert("updatetime".into(), Value::String(today()));
    Ok(json!({"message": "Directory successfully updated", "status": "success", "code": 200}))
}

fn directory_get_info(data: &mut Data, body: &Map<String, Value>) -> Answer {
    let key = contact_key(present(body, "cn"))?;
    let field = match present(body, "field") {
        None => "all".to_owned(),
        Some(Value::String(s)) => s.clone(),
        Some(_) => return Err(refuse(1000, "Invalid parameters: field")),
    };
    let c = data
        .contacts
        .get(&key)
        .ok_or_else(|| refuse(1012, "No data found"))?;
    let response = if field == "all" {
        json!({"contact": key, "contactinfo": c.contactinfo, "other": c.other})
    } else {
        let v = c
            .contactinfo
            .get(&field)
            .or_else(|| c.other.get(&field))
            .cloned()
            .ok_or_else(|| refuse(1000, "Invalid parameters: field"))?;
        json!({"contact": key, field: v})
    };
    Ok(json!({"status": "success", "response": response, "code": 200}))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(20_049), (2024, 11, 22));
        assert_eq!(civil_from_days(19_782), (2024, 2, 29));
    }
}
