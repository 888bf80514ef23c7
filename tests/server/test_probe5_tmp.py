def test_lang(app, people):
    p = people("x@example.org", sign_up=False)
    page = p.client.get("/now")
    print("NOW", page.status_code, 'action="/language"' in page.text)
    import re
    m = re.search(r'<form[^>]*action="/language".*?</form>', page.text, re.S)
    print(m.group(0)[:600] if m else None)
    r = p.client.post("/language", data={"lang": "ru", "next": "/now"}, follow_redirects=False)
    print("POST", r.status_code, r.headers.get("location"), r.headers.get("set-cookie"))
