#!/usr/bin/python3
"""Generates the labelled PII corpus of bench/redaction: synthetic tickets in English, German, French
and Spanish with personal data and secrets in the formats of several countries, each labelled with
its type and byte span, plus hard negatives (dates, versions, ticket numbers, look-alike numbers
with a wrong checksum) that must not be found.

    bench/redaction_corpus.py --out FILE [--tickets N] [--seed S]

Writes JSONL: {"id":..,"lang":..,"text":..,"spans":[{"type":..,"start":..,"end":..}]}, byte
offsets into the UTF-8 text. The same seed gives the same file.
"""
import argparse
import json
import random
import string

FIRST = ['John', 'Mary', 'Ahmed', 'Priya', 'Jürgen', 'Anna', 'Lukas', 'Sophie', 'Léa', 'Chloé', 'José',
         'María', 'Lucía', 'Javier', 'Giulia', 'Marco', 'Sven', 'Ingrid', 'Olivia', 'Noah', 'Zoë', 'Björn',
         'Sean', 'Siobhan', 'Wei', 'Hiroshi', 'Fatima', 'Oluwaseun', 'Kateřina', 'Łukasz', 'Émile', 'Jean-Luc']
LAST = ['Smith', 'Johnson', 'Müller', 'Schmidt', 'Weber', 'Dubois', 'Lefèvre', 'García', 'Fernández', 'Rossi',
        "O'Brien", 'van der Berg', 'Nguyen', 'Kowalski', 'Novák', 'Andersson', 'Okafor', 'Tanaka', 'Patel',
        'MacDonald', 'de la Cruz', 'Schäfer', 'Jensen', 'Moreau']
DOMAINS = ['example.com', 'acme-corp.de', 'mail.example.co.uk', 'contoso.fr', 'empresa.es', 'uni-bonn.de',
           'gmail.com', 'outlook.com', 'web.de', 'orange.fr', 'sub.dept.example.org', 'startup.io']

FILLER = {
    'en': ['My laptop will not connect to the VPN since the update to 4.2.1 this morning.',
           'The printer on floor 3 shows error 0x80070005 and jobs stay in the queue.',
           'Outlook keeps asking for my credentials after the migration on 2023-10-05.',
           'Ticket INC0012345 was closed but the issue is back, see build 20231005.1.',
           'Please install Visio on the new machine, asset tag 004512, room 2.14.',
           'Since version 3.3.6 the job fails after 120 seconds with exit code 137.'],
    'de': ['Mein Laptop verbindet sich seit dem Update auf 4.2.1 nicht mehr mit dem VPN.',
           'Der Drucker im 3. OG zeigt Fehler 0x80070005, die Aufträge bleiben hängen.',
           'Outlook fragt seit der Migration am 05.10.2023 ständig nach dem Kennwort.',
           'Bitte Visio auf dem neuen Rechner installieren, Inventarnummer 004512, Raum 2.14.',
           'Seit Version 3.3.6 bricht der Job nach 120 Sekunden mit Code 137 ab.'],
    'fr': ["Mon ordinateur ne se connecte plus au VPN depuis la mise à jour 4.2.1 ce matin.",
           "L'imprimante du 3e étage affiche l'erreur 0x80070005 depuis le 05/10/2023.",
           'Outlook demande sans cesse mes identifiants depuis la migration.',
           'Merci d\'installer Visio sur le nouveau poste, numéro d\'inventaire 004512.'],
    'es': ['Mi portátil no se conecta a la VPN desde la actualización 4.2.1 de esta mañana.',
           'La impresora de la planta 3 muestra el error 0x80070005 desde el 05/10/2023.',
           'Outlook pide mis credenciales constantemente desde la migración.',
           'Por favor instalen Visio en el equipo nuevo, número de inventario 004512.'],
}

# Phrases around each kind of value, per language; {} is the value.
CONTEXT = {
    'email': {'en': ['Please reply to {} with the details.', 'My address is {}.', 'cc: {}'],
              'de': ['Bitte antworten Sie an {}.', 'Meine Adresse: {}'],
              'fr': ['Merci de répondre à {}.', 'Mon adresse est {}'],
              'es': ['Por favor respondan a {}.', 'Mi correo es {}']},
    'phone': {'en': ['You can call me at {}.', 'Phone: {}', 'Reach me on {} after 3pm.', 'mobile {}'],
              'de': ['Sie erreichen mich unter {}.', 'Tel.: {}', 'Rückruf bitte an {}'],
              'fr': ['Vous pouvez me joindre au {}.', 'Tél : {}'],
              'es': ['Pueden llamarme al {}.', 'Teléfono: {}']},
    'card': {'en': ['I paid with card {} but was charged twice.', 'Card number: {}'],
             'de': ['Ich habe mit der Karte {} bezahlt.', 'Kartennummer {}'],
             'fr': ['Payé avec la carte {}.', 'Numéro de carte : {}'],
             'es': ['Pagué con la tarjeta {}.', 'Tarjeta: {}']},
    'iban': {'en': ['Please refund to IBAN {}.', 'Bank account {} for the invoice.'],
             'de': ['Bitte erstatten Sie auf {}.', 'IBAN: {}'],
             'fr': ['Merci de rembourser sur le compte {}.', 'IBAN : {}'],
             'es': ['Devuelvan el importe a la cuenta {}.', 'IBAN: {}']},
    'ssn': {'en': ['My SSN is {} for the HR form.', 'SSN: {}', 'social security number {}']},
    'national_id': {'es': ['Mi DNI es {}.', 'NIE: {}'], 'en': ['My NI number is {}.', 'NINO {}']},
    'ipv4': {'en': ['The server at {} is not reachable.', 'ping {} times out', 'Source IP: {}'],
             'de': ['Der Server {} ist nicht erreichbar.'], 'fr': ["Le serveur {} ne répond pas."],
             'es': ['El servidor {} no responde.']},
    'ipv6': {'en': ['The host {} drops packets.', 'address {} assigned by DHCPv6'],
             'de': ['Die Adresse {} ist doppelt vergeben.']},
    'mac': {'en': ['Please whitelist MAC {} for the lab network.', 'device MAC address: {}'],
            'de': ['Bitte die MAC-Adresse {} freischalten.'], 'fr': ['Adresse MAC : {}']},
    'url_credential': {'en': ['The link {} no longer works.', 'Repository: {}', 'webhook {}'],
                       'de': ['Der Link {} funktioniert nicht mehr.']},
    'secret': {'en': ['I accidentally pasted {} in the chat.', 'The key is {}', 'config:\n{}\n'],
               'de': ['Hier der Schlüssel: {}']},
    'password': {'en': ['password: {}', 'my password is {} please reset', 'pwd={}', 'Password = {}'],
                 'de': ['Passwort: {}', 'Das Kennwort lautet {} bitte ändern', 'Kennwort: {}'],
                 'fr': ['mot de passe : {}', 'Mot de passe: {}', 'mdp: {}'],
                 'es': ['contraseña: {}', 'Mi contraseña es {} gracias', 'clave: {}']},
}

NEGATIVES = ['Build 2023-10-05T14:22:01Z', 'release 10.2.3.4567', 'order 1234567812345678',
             'ticket #4820193', 'call back on 05.10.2023 at 14:30', 'version 1.2.3.4.5',
             'card 4111 1111 1111 1112', 'IBAN DE89 3704 0044 0532 0130 01', 'std::vector<int>',
             'error code 0xC0000005', 'port 8080/tcp', 'job_1696500000000_0042', '666-12-3456',
             'invoice 2023/10/0042', 'room 12-345-6789', 'KB5031356', 'sha256 e3b0c44298fc1c149afbf4c8996fb924']


def luhn_complete(prefix, length, rnd):
    digits = prefix + ''.join(rnd.choice(string.digits) for _ in range(length - len(prefix) - 1))
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 0:
            d = d * 2 - 9 if d * 2 > 9 else d * 2
        total += d
    return digits + str((10 - total % 10) % 10)


IBAN_FORMATS = {'DE': '18n', 'GB': '4a14n', 'FR': '10n11c2n', 'ES': '20n', 'IT': '1a10n12c', 'NL': '4a10n',
                'CH': '5n12c', 'AT': '16n', 'BE': '12n', 'PL': '24n', 'SE': '20n', 'IE': '4a14n'}


def iban(rnd):
    country = rnd.choice(sorted(IBAN_FORMATS))
    fmt, bban, i = IBAN_FORMATS[country], '', 0
    while i < len(fmt):
        j = i
        while fmt[j].isdigit():
            j += 1
        n, kind = int(fmt[i:j]), fmt[j]
        pool = {'n': string.digits, 'a': string.ascii_uppercase, 'c': string.digits + string.ascii_uppercase}[kind]
        bban += ''.join(rnd.choice(pool) for _ in range(n))
        i = j + 1
    num = ''.join(str(int(c, 36)) for c in bban + country + '00')
    check = 98 - int(num) % 97
    value = f'{country}{check:02d}{bban}'
    if rnd.random() < 0.6:
        value = ' '.join(value[k:k + 4] for k in range(0, len(value), 4))
    return value


def phone(rnd):
    d = lambda n: ''.join(rnd.choice(string.digits) for _ in range(n))
    nz = lambda: rnd.choice('23456789')
    forms = [
        lambda: f'+1 ({nz()}{d(2)}) {nz()}{d(2)}-{d(4)}', lambda: f'({nz()}{d(2)}) {nz()}{d(2)}-{d(4)}',
        lambda: f'{nz()}{d(2)}-{nz()}{d(2)}-{d(4)}', lambda: f'{nz()}{d(2)}.{nz()}{d(2)}.{d(4)}',
        lambda: f'+1-{nz()}{d(2)}-{nz()}{d(2)}-{d(4)}', lambda: f'+44 20 {d(4)} {d(4)}',
        lambda: f'+44 (0)20 {d(4)} {d(4)}', lambda: f'07{d(3)} {d(6)}', lambda: f'+44 7{d(3)} {d(6)}',
        lambda: f'+49 30 {d(7)}', lambda: f'+49 (0)89 {d(6)}', lambda: f'030 {d(8)}', lambda: f'0171/{d(7)}',
        lambda: f'+49 171 {d(7)}', lambda: f'0049 40 {d(7)}', lambda: f'+33 6 {d(2)} {d(2)} {d(2)} {d(2)}',
        lambda: f'06 {d(2)} {d(2)} {d(2)} {d(2)}', lambda: f'01.{d(2)}.{d(2)}.{d(2)}.{d(2)}',
        lambda: f'+34 6{d(2)} {d(3)} {d(3)}', lambda: f'+34 91 {d(3)} {d(2)} {d(2)}',
        lambda: f'+39 3{d(2)} {d(3)} {d(4)}', lambda: f'+31 6 {d(8)}', lambda: f'+41 44 {d(3)} {d(2)} {d(2)}',
        lambda: f'+91 9{d(4)} {d(5)}', lambda: f'+61 4{d(2)} {d(3)} {d(3)}', lambda: f'+8613{d(9)}',
    ]
    return rnd.choice(forms)()


def card(rnd):
    kind = rnd.choice(['visa', 'mc', 'mc2', 'amex', 'discover', 'visa'])
    if kind == 'amex':
        n = luhn_complete(rnd.choice(['34', '37']), 15, rnd)
        groups = [n[:4], n[4:10], n[10:]]
    else:
        prefix = {'visa': '4', 'mc': str(rnd.randint(51, 55)), 'mc2': str(rnd.randint(2221, 2720)),
                  'discover': '6011'}[kind]
        n = luhn_complete(prefix, 16, rnd)
        groups = [n[k:k + 4] for k in range(0, 16, 4)]
    return rnd.choice([' ', '-', '']).join(groups)


def ssn(rnd):
    area = rnd.choice([a for a in range(1, 900) if a != 666])
    value = f'{area:03d}-{rnd.randint(1, 99):02d}-{rnd.randint(1, 9999):04d}'
    return value


def national_id(rnd, lang):
    letters = 'TRWAGMYFPDXBNJZSQVHLCKE'
    if lang == 'es':
        if rnd.random() < 0.7:
            n = rnd.randint(10000000, 99999999)
            return f'{n}{letters[n % 23]}'
        p, n = rnd.randint(0, 2), rnd.randint(1000000, 9999999)
        return f'{"XYZ"[p]}{n:07d}{letters[(p * 10000000 + n) % 23]}'
    first, second = rnd.choice('ABCEGHJKLMNPRSTWXYZ'), rnd.choice('ABCEGHJKLMNPRSTWXYZ')
    while first + second in ('BG', 'GB', 'NK', 'KN', 'TN', 'NT', 'ZZ'):
        second = rnd.choice('ABCEGHJKLMNPRSTWXYZ')
    d = ''.join(rnd.choice(string.digits) for _ in range(6))
    tail = rnd.choice('ABCD')
    return rnd.choice([f'{first}{second}{d}{tail}', f'{first}{second} {d[:2]} {d[2:4]} {d[4:]} {tail}'])


def ipv6(rnd):
    groups = [f'{rnd.randint(0, 0xffff):x}' for _ in range(8)]
    groups[0] = rnd.choice(['2001', 'fe80', '2a02', '2600', 'fd00'])
    form = rnd.random()
    if form < 0.4:
        return ':'.join(groups)
    if form < 0.8:
        k = rnd.randint(2, 5)
        return ':'.join(groups[:k]) + '::' + ':'.join(groups[k + 2:])
    return groups[0] + ':db8::' + groups[7]


def mac(rnd):
    b = [f'{rnd.randint(0, 255):02x}' for _ in range(6)]
    if rnd.random() < 0.5:
        b = [x.upper() for x in b]
    form = rnd.random()
    if form < 0.5:
        return ':'.join(b)
    if form < 0.8:
        return '-'.join(b)
    return '.'.join(''.join(b[k:k + 2]) for k in (0, 2, 4))


def token(rnd, n, pool=string.ascii_letters + string.digits):
    return ''.join(rnd.choice(pool) for _ in range(n))


def url_credential(rnd):
    host = rnd.choice(['git.example.com', 'ftp.acme-corp.de', 'api.startup.io', '10.20.30.40:8443',
                       'db.internal.example.org'])
    forms = [lambda: f'https://{token(rnd, 6).lower()}:{token(rnd, 10)}@{host}/repo.git',
             lambda: f'ftp://admin:{token(rnd, 8)}@{host}/export/',
             lambda: f'postgres://app:{token(rnd, 12)}@{host}:5432/prod',
             lambda: f'https://{host}/v1/report?user=42&access_token={token(rnd, 32)}',
             lambda: f'https://{host}/download?id=7&token={token(rnd, 24)}',
             lambda: f'https://{host}/cb#access_token={token(rnd, 40)}&expires_in=3600',
             lambda: f'https://bucket.s3.amazonaws.com/f.pdf?X-Amz-Credential=AKIA{token(rnd, 16).upper()}'
                     f'&X-Amz-Signature={token(rnd, 64, "0123456789abcdef")}',
             lambda: f'https://{host}/hook?api_key={token(rnd, 28)}']
    return rnd.choice(forms)()


def secret(rnd):
    b64 = string.ascii_letters + string.digits + '_-'
    forms = [lambda: 'AKIA' + token(rnd, 16, string.ascii_uppercase + string.digits),
             lambda: 'ghp_' + token(rnd, 36), lambda: 'github_pat_' + token(rnd, 82, b64[:-1]),
             lambda: f'xoxb-{token(rnd, 12, string.digits)}-{token(rnd, 12, string.digits)}-{token(rnd, 24)}',
             lambda: f'xoxp-{token(rnd, 11, string.digits)}-{token(rnd, 24)}',
             lambda: 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ' + token(rnd, 40, b64) + '.' + token(rnd, 43, b64),
             lambda: 'sk_live_' + token(rnd, 24), lambda: 'glpat-' + token(rnd, 20, b64),
             lambda: 'AIza' + token(rnd, 35, b64),
             lambda: '-----BEGIN RSA PRIVATE KEY-----\n' + '\n'.join(
                 token(rnd, 64, string.ascii_letters + string.digits + '+/') for _ in range(4)) +
             '\n-----END RSA PRIVATE KEY-----',
             lambda: '-----BEGIN OPENSSH PRIVATE KEY-----\n' + token(rnd, 70, string.ascii_letters + '+/') +
             '\n-----END OPENSSH PRIVATE KEY-----']
    return rnd.choice(forms)()


KEYWORD_SECRETS = ['api_key = "{}"', 'Authorization: Bearer {}', 'client_secret: {}', 'token={}',
                   'aws_secret_access_key = {}']


def password(rnd):
    words = ['Sommer', 'Winter', 'Hunter', 'Bonjour', 'Verano', 'Welcome', 'Passw0rd', 'azerty', 'Secret']
    tail = rnd.choice(['2024!', '123', '#1', '99', '!', '$7', '2023'])
    return rnd.choice(words) + tail if rnd.random() < 0.7 else token(rnd, rnd.randint(8, 16),
                                                                         string.ascii_letters + string.digits + '!$%&')


def person_piece(rnd, lang):
    """A name in a context that makes it clear; returns (before, name, after)."""
    name = rnd.choice(FIRST) + (' ' + rnd.choice(LAST) if rnd.random() < 0.6 else '')
    surname = rnd.choice(LAST)
    forms = {
        'en': [('Hi ', name, ',\n'), ('Hello ', name, ',\n'), ('Dear ', name, ',\n'),
               ('Dear Mr. ', surname, ',\n'), ('\n\nBest regards,\n', name, '\n'), ('\n\nThanks,\n', name, '\n'),
               ('\nKind regards,\n', name, '\nIT Operations'), ('My manager ', name, ' approved it. '),
               ('my colleague ', name, ' has the same issue. '), ('Regards, ', name, '\n')],
        'de': [('Hallo ', name, ',\n'), ('Sehr geehrte Frau ', surname, ',\n'), ('Sehr geehrter Herr ', surname, ',\n'),
               ('\n\nMit freundlichen Grüßen\n', name, '\n'), ('\nViele Grüße\n', name, '\n'),
               ('Mein Kollege ', name, ' hat das gleiche Problem. ')],
        'fr': [('Bonjour ', name, ',\n'), ('Bonjour Madame ', surname, ',\n'), ('\n\nCordialement,\n', name, '\n'),
               ('Ma collègue ', name, ' a le même problème. '), ("Je m'appelle ", name, '. ')],
        'es': [('Hola ', name, ',\n'), ('Estimado ', name, ':\n'), ('\n\nSaludos,\n', name, '\n'),
               ('\nAtentamente,\n', name, '\n'), ('Mi jefe ', name, ' lo aprobó. ')],
    }
    return rnd.choice(forms[lang])


def value_for(kind, rnd, lang):
    return {'email': lambda: (rnd.choice(FIRST + LAST).lower().replace(' ', '').replace("'", '')
                              .encode('ascii', 'ignore').decode() or 'user') +
                             rnd.choice(['', '.', '_', '-']) + rnd.choice(LAST).lower().encode('ascii', 'ignore')
                             .decode().replace(' ', '').replace("'", '') + rnd.choice(['', str(rnd.randint(1, 99)),
                                                                                        '+it']) +
                             '@' + rnd.choice(DOMAINS),
            'phone': lambda: phone(rnd), 'card': lambda: card(rnd), 'iban': lambda: iban(rnd),
            'ssn': lambda: ssn(rnd), 'national_id': lambda: national_id(rnd, lang),
            'ipv4': lambda: '.'.join(str(rnd.randint(1 if k == 0 else 0, 254)) for k in range(4)),
            'ipv6': lambda: ipv6(rnd), 'mac': lambda: mac(rnd), 'url_credential': lambda: url_credential(rnd),
            'secret': lambda: secret(rnd), 'password': lambda: password(rnd)}[kind]()


KINDS = ['email', 'phone', 'card', 'iban', 'ssn', 'national_id', 'ipv4', 'ipv6', 'mac', 'url_credential', 'secret',
         'password', 'person']


def ticket(rnd, i):
    lang = rnd.choice(['en', 'en', 'de', 'fr', 'es'])
    pieces = []  # (text, type or None)

    def add(text, kind=None):
        pieces.append((text, kind))

    for _ in range(rnd.randint(1, 4)):
        kind = rnd.choice(KINDS)
        if kind == 'person':
            before, name, after = person_piece(rnd, lang)
            add(before), add(name, 'person'), add(after)
        elif kind == 'secret' and rnd.random() < 0.3:
            form = rnd.choice(KEYWORD_SECRETS)
            value = token(rnd, rnd.randint(24, 40))
            if not any(c.isdigit() for c in value):
                value += '7'
            pre, post = form.split('{}')
            add(pre), add(value, 'secret'), add(post + '\n')
        else:
            forms = CONTEXT[kind].get(lang) or CONTEXT[kind]['en']
            form = rnd.choice(forms)
            pre, post = form.split('{}')
            lang_value = national_id(rnd, 'es' if 'DNI' in form or 'NIE' in form else 'en') \
                if kind == 'national_id' else value_for(kind, rnd, lang)
            add(pre), add(lang_value, kind), add(post)
        add(' ' + rnd.choice(FILLER[lang]) + ' ')
        if rnd.random() < 0.4:
            add(rnd.choice(NEGATIVES) + '. ')
    text, spans, offset = '', [], 0
    for piece, kind in pieces:
        b = piece.encode()
        if kind:
            spans.append({'type': kind, 'start': offset, 'end': offset + len(b)})
        text += piece
        offset += len(b)
    return {'id': f'gen-{i}', 'lang': lang, 'text': text, 'spans': spans}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--out', required=True)
    ap.add_argument('--tickets', type=int, default=6000)
    ap.add_argument('--seed', type=int, default=20261203)
    args = ap.parse_args()
    rnd = random.Random(args.seed)
    with open(args.out, 'w', encoding='utf-8') as f:
        for i in range(args.tickets):
            f.write(json.dumps(ticket(rnd, i), ensure_ascii=False) + '\n')


if __name__ == '__main__':
    main()
