/* AES-256-GCM for KMS-encrypted exec sessions (OpenSSL EVP). */
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/rand.h>

#include "channel_internal.h"
#include "xalloc.h"

int exec_gcm_seal(const unsigned char key[32], const unsigned char *p, size_t len,
                  unsigned char **out, size_t *out_len)
{
    unsigned char *o = xmalloc(len + 28);
    if (RAND_bytes(o, 12) != 1) {
        free(o);
        return -1;
    }
    EVP_CIPHER_CTX *x = EVP_CIPHER_CTX_new();
    int n = 0, f = 0, ok = x && EVP_EncryptInit_ex(x, EVP_aes_256_gcm(), NULL, key, o) == 1 &&
                          EVP_EncryptUpdate(x, o + 12, &n, p, (int)len) == 1 &&
                          EVP_EncryptFinal_ex(x, o + 12 + n, &f) == 1 &&
                          EVP_CIPHER_CTX_ctrl(x, EVP_CTRL_GCM_GET_TAG, 16, o + 12 + n + f) == 1;
    EVP_CIPHER_CTX_free(x);
    if (!ok) {
        free(o);
        return -1;
    }
    *out = o;
    *out_len = 12 + (size_t)n + (size_t)f + 16;
    return 0;
}

int exec_gcm_open(const unsigned char key[32], const unsigned char *p, size_t len,
                  unsigned char **out, size_t *out_len)
{
    if (len < 28)
        return -1;
    size_t clen = len - 28;
    unsigned char *o = xmalloc(clen + 1);
    unsigned char tag[16];
    memcpy(tag, p + len - 16, 16);
    EVP_CIPHER_CTX *x = EVP_CIPHER_CTX_new();
    int n = 0, f = 0, ok = x && EVP_DecryptInit_ex(x, EVP_aes_256_gcm(), NULL, key, p) == 1 &&
                          EVP_DecryptUpdate(x, o, &n, p + 12, (int)clen) == 1 &&
                          EVP_CIPHER_CTX_ctrl(x, EVP_CTRL_GCM_SET_TAG, 16, tag) == 1 &&
                          EVP_DecryptFinal_ex(x, o + n, &f) == 1;
    EVP_CIPHER_CTX_free(x);
    if (!ok) {
        OPENSSL_cleanse(o, clen + 1);
        free(o);
        return -1;
    }
    *out = o;
    *out_len = (size_t)n + (size_t)f;
    return 0;
}
