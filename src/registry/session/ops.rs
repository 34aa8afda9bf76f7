//! The operations: manifests, blobs and uploads, each sent with the credentials of its
//! scope.

use crate::catalog::CauseId;
use reqwest::header::{ACCEPT, HeaderName};
use reqwest::{Method, StatusCode};
use url::Url;

use super::Session;
use crate::http::{self, Auth, BodyLimit, Request, Response};
use crate::registry::scope::Scope;
use crate::registry::{
    BlobHead, BlobStream, Cancel, Error, MANIFEST_ACCEPT, Manifest, ManifestHead, Upload,
};

impl Session {
    /// A read of `path` in `repository` under its pull scope (with `send_op`'s one
    /// re-authentication); any answer but a success is the registry's refusal.
    async fn pull_read(
        &self,
        method: Method,
        repository: &str,
        path: &str,
        headers: &[(HeaderName, &str)],
        limit: BodyLimit,
    ) -> Result<Response, Error> {
        let url = self.repo_url(repository, path)?;
        let scope = Scope::repository(repository, &["pull"]);
        let response = self
            .send_op(method.clone(), url, headers, &scope, limit, true)
            .await?;
        if !response.status.is_success() {
            return Err(Error::refused(&method, &response));
        }
        Ok(response)
    }

    /// Sends an operation's request with the right credentials. With `reauth`, a 401 whose
    /// challenge asks for a scope not yet requested gets a token for that scope and one
    /// retry.
    async fn send_op(
        &self,
        method: Method,
        url: Url,
        headers: &[(HeaderName, &str)],
        scope: &Scope,
        limit: BodyLimit,
        reauth: bool,
    ) -> Result<Response, Error> {
        let build = |auth: Auth| {
            let mut r = Request::new(method.clone(), url.clone()).auth(auth);
            for (name, value) in headers {
                r = r.header(name.clone(), value);
            }
            r
        };
        let auth = self.auth_for(scope).await?;
        let response = self.http.send(build(auth), limit).await?;
        if response.status != StatusCode::UNAUTHORIZED || !reauth {
            return Ok(response);
        }
        match self.token_for_challenge(&response.headers).await? {
            Some(token) => self
                .http
                .send(build(Auth::Bearer(token)), limit)
                .await
                .map_err(Error::from),
            None => Ok(response),
        }
    }

    /// `HEAD` of a manifest with the full Accept list.
    pub async fn head_manifest(
        &self,
        repository: &str,
        reference: &str,
    ) -> Result<ManifestHead, Error> {
        let response = self
            .pull_read(
                Method::HEAD,
                repository,
                &format!("manifests/{reference}"),
                &[(ACCEPT, MANIFEST_ACCEPT)],
                BodyLimit::NONE,
            )
            .await?;
        Ok(ManifestHead {
            digest: response.header("docker-content-digest").map(str::to_owned),
            media_type: response.header("content-type").map(str::to_owned),
            size: response
                .header("content-length")
                .and_then(|v| v.parse().ok()),
            attempts: response.attempts,
        })
    }

    /// `GET` of a manifest (at most 4 MiB) with the full Accept list.
    pub async fn get_manifest(&self, repository: &str, reference: &str) -> Result<Manifest, Error> {
        let response = self
            .pull_read(
                Method::GET,
                repository,
                &format!("manifests/{reference}"),
                &[(ACCEPT, MANIFEST_ACCEPT)],
                BodyLimit::MANIFEST,
            )
            .await
            .map_err(|e| match e {
                // A manifest that does not fit is an answer about the image, not a crash.
                Error::Http(http::Error::BodyTooLarge { url, limit }) => Error::BadAnswer {
                    url,
                    status: 200,
                    detail: format!("the manifest is larger than {limit} bytes"),
                    cause: CauseId::RegistryAnswerInvalid,
                },
                other => other,
            })?;
        Ok(Manifest {
            media_type: response.header("content-type").map(str::to_owned),
            digest: response.header("docker-content-digest").map(str::to_owned),
            attempts: response.attempts,
            bytes: response.body,
        })
    }

    /// `HEAD` of a blob.
    pub async fn head_blob(&self, repository: &str, digest: &str) -> Result<BlobHead, Error> {
        let response = self
            .pull_read(
                Method::HEAD,
                repository,
                &format!("blobs/{digest}"),
                &[],
                BodyLimit::NONE,
            )
            .await?;
        Ok(BlobHead {
            size: response
                .header("content-length")
                .and_then(|v| v.parse().ok()),
            digest: response.header("docker-content-digest").map(str::to_owned),
            attempts: response.attempts,
        })
    }

    /// `GET` of a blob, read up to `limit` (blob downloads may redirect to a storage host;
    /// credentials are not sent there).
    pub async fn get_blob(
        &self,
        repository: &str,
        digest: &str,
        limit: BodyLimit,
    ) -> Result<Vec<u8>, Error> {
        let response = self
            .pull_read(
                Method::GET,
                repository,
                &format!("blobs/{digest}"),
                &[],
                limit,
            )
            .await?;
        Ok(response.body)
    }

    /// `GET` of a blob as a stream, for blobs of any size: the caller reads
    /// [`BlobStream::chunk`] until `None` (and hashes the bytes to prove the digest).
    pub async fn get_blob_stream(
        &self,
        repository: &str,
        digest: &str,
    ) -> Result<BlobStream, Error> {
        let url = self.repo_url(repository, &format!("blobs/{digest}"))?;
        let scope = Scope::repository(repository, &["pull"]);
        let mut auth = self.auth_for(&scope).await?;
        let mut retried_auth = false;
        loop {
            let s = self
                .http
                .send_streaming(Request::get(url.clone()).auth(auth.clone()))
                .await?;
            if s.status == StatusCode::UNAUTHORIZED && !retried_auth {
                retried_auth = true;
                if let Some(token) = self.token_for_challenge(&s.headers).await? {
                    auth = Auth::Bearer(token);
                    continue;
                }
            }
            if !s.status.is_success() {
                let response = s.into_response(BodyLimit::ERROR).await?;
                return Err(Error::refused(&Method::GET, &response));
            }
            return Ok(BlobStream {
                size: s.header("content-length").and_then(|v| v.parse().ok()),
                digest: s.header("docker-content-digest").map(str::to_owned),
                attempts: s.attempts,
                inner: s,
            });
        }
    }

    /// `POST /v2/NAME/blobs/uploads/`: opens an empty upload session. 202 means the
    /// credential may push. No data is sent.
    pub async fn start_upload(&self, repository: &str) -> Result<Upload, Error> {
        let url = self.repo_url(repository, "blobs/uploads/")?;
        let response = self
            .send_op(
                Method::POST,
                url,
                &[(reqwest::header::CONTENT_LENGTH, "0")],
                &Scope::repository(repository, &["pull", "push"]),
                BodyLimit::ERROR,
                true,
            )
            .await?;
        if response.status != StatusCode::ACCEPTED {
            return Err(Error::refused(&Method::POST, &response));
        }
        // The 202 alone proves the right to push; a missing or broken Location only means
        // the session cannot be cancelled (it expires).
        let location = response
            .header("location")
            .filter(|l| !l.trim().is_empty())
            .and_then(|l| response.url.join(l).ok());
        Ok(Upload {
            repository: repository.to_owned(),
            location,
            uuid: response.header("docker-upload-uuid").map(str::to_owned),
            status: response.status.as_u16(),
            attempts: response.attempts,
        })
    }

    /// `DELETE` of an upload session. Any HTTP answer is a [`Cancel`]: 401 (distribution
    /// wants the `delete` action) and 405 (ghcr.io) are normal, the session then expires.
    pub async fn cancel_upload(&self, upload: &Upload) -> Result<Cancel, Error> {
        let Some(location) = upload.location.clone() else {
            return Err(Error::BadAnswer {
                url: http::redact_url(&self.endpoint.base),
                status: upload.status,
                detail: "the upload answer had no usable Location to cancel".into(),
                cause: CauseId::RegistryAnswerInvalid,
            });
        };
        let response = self
            .send_op(
                Method::DELETE,
                location,
                &[],
                &Scope::repository(&upload.repository, &["pull", "push"]),
                BodyLimit::ERROR,
                // Distribution asks for `delete` here. The probe never asks for more rights
                // than pull and push: the empty session expires anyway.
                false,
            )
            .await?;
        Ok(Cancel {
            status: response.status.as_u16(),
            cancelled: response.status.is_success(),
            attempts: response.attempts,
        })
    }
}
